def double(x):
    # return an array of the same shape as x, every element doubled
    return x
