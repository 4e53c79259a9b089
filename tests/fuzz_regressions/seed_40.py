# Found by the random-program tester (seed 40): wrong in reverse-shape.
# Was: gradient of w has dtype float64, argument float32
import numpy as np

def f(w):
    return np.mean(np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0]).reshape((2, 3)) * w)


ARGS = {'w': np.array([[0.4569999873638153, 1.0140000581741333, -0.057999998331069946], [-0.3880000114440918, 0.24500000476837158, 0.5540000200271606]], dtype=np.float32)}
WRT = ('w',)
HESSIAN = False
EXPECT = 'ok'
