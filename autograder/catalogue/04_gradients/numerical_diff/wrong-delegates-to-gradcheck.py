# wrong: delegates to course.gradcheck's helper instead of computing the difference
def numerical_diff(f, x):
    import numpy as np
    from course.gradcheck import _central_differences
    point = np.array(float(x))
    return float(_central_differences(lambda: f(float(point)), point, step=1e-4))
