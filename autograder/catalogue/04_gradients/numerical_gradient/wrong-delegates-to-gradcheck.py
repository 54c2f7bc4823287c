# wrong: delegates to course.gradcheck's helper instead of writing the loop
def numerical_gradient(f, x):
    from course.gradcheck import _central_differences
    return _central_differences(lambda: f(x), x, step=1e-4)
