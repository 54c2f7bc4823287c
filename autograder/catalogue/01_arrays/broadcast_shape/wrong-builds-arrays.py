# wrong: lets NumPy do the work by building empty arrays of the two shapes
def broadcast_shape(shape_a, shape_b):
    return (np.empty(shape_a) + np.empty(shape_b)).shape
