import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, hidden, sample

# Each output is a sum of up to a few hundred O(1) products: any summation order
# agrees to ~1e-14; atol covers outputs that cancel to nearly zero.
RTOL, ATOL = 1e-7, 1e-9


def _out_size(n, k, stride, pad):
    return (n + 2 * pad - k) // stride + 1


def _problem(rng, n, c, h, wd, f, hh, ww, dtype=np.float64):
    x = rng.normal(size=(n, c, h, wd)).astype(dtype)
    w = rng.normal(size=(f, c, hh, ww)).astype(dtype)
    b = rng.normal(size=f).astype(dtype)
    return x, w, b


def _conv(learner, x, w, b, stride=1, pad=0):
    """The learner's output, checked for shape against the formula."""
    n, _, h, wd = x.shape
    f, _, hh, ww = w.shape
    shape = (n, f, _out_size(h, hh, stride, pad), _out_size(wd, ww, stride, pad))
    out = learner.conv2d_forward(x, w, b, stride=stride, pad=pad)
    return assert_shape(out, shape, name=f"out (stride={stride}, pad={pad})")


def _matches_reference(learner, reference, x, w, b, stride=1, pad=0):
    out = _conv(learner, x, w, b, stride, pad)
    expected = reference.conv2d_forward(x, w, b, stride=stride, pad=pad)
    assert_allclose(out, expected, rtol=RTOL, atol=ATOL, name=f"out (stride={stride}, pad={pad})")


@sample
def test_output_shape_follows_the_formula(learner, rng):
    # (N, C, H, W, F, HH, WW, stride, pad); the last two do not divide evenly
    for n, c, h, wd, f, hh, ww, stride, pad in [
        (2, 3, 8, 8, 4, 3, 3, 1, 1),
        (2, 3, 8, 8, 4, 3, 3, 2, 1),
        (1, 2, 7, 9, 3, 2, 3, 2, 0),
        (3, 1, 10, 6, 2, 3, 1, 3, 2),
    ]:
        _conv(learner, *_problem(rng, n, c, h, wd, f, hh, ww), stride=stride, pad=pad)


@sample
def test_the_example_no_kernel_flip(learner):
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])  # x[i, j] - x[i+1, j+1] = -5 everywhere
    out = _conv(learner, x, w, np.array([0.5]))
    if np.allclose(out, 5.5):
        raise AssertionError("every output is +5.5 instead of -4.5: the kernel was flipped (true convolution); "
                             "this layer is a cross-correlation, as in deep-learning frameworks")  # fmt: skip
    assert_allclose(out, np.full((1, 1, 3, 3), -4.5), rtol=1e-12, name="out")
    out = _conv(learner, x, w, np.array([0.5]), stride=2, pad=1)
    expected = np.array([[0.5, -1.5, 0.5], [-7.5, -4.5, 7.5], [0.5, 13.5, 15.5]])
    assert_allclose(out, expected[None, None], rtol=1e-12, name="out (stride=2, pad=1)")


@sample
def test_a_one_by_one_kernel_mixes_the_channels_of_each_pixel(learner, rng):
    x, w, b = _problem(rng, 2, 3, 5, 6, 4, 1, 1)
    out = _conv(learner, x, w, b)
    expected = np.einsum("nchw,fc->nfhw", x, w[:, :, 0, 0]) + b[None, :, None, None]
    assert_allclose(out, expected, rtol=RTOL, atol=ATOL, name="out")


@hidden(weight=2)
def test_matches_reference_on_random_inputs(learner, reference, rng):
    for n, c, h, wd, f, hh, ww, stride, pad in [
        (2, 3, 8, 8, 4, 3, 3, 1, 0),
        (2, 3, 8, 8, 4, 3, 3, 1, 1),
        (3, 2, 9, 9, 5, 3, 3, 2, 1),
        (2, 4, 6, 10, 3, 2, 4, 1, 2),
        (1, 3, 11, 7, 2, 5, 3, 2, 2),
        (4, 1, 12, 12, 6, 4, 4, 4, 0),
    ]:
        _matches_reference(learner, reference, *_problem(rng, n, c, h, wd, f, hh, ww), stride=stride, pad=pad)


@hidden
def test_strides_that_do_not_divide_the_padded_size(learner, reference, rng):
    # (H + 2P - HH) % stride != 0: the last rows or columns that cannot hold a window are unused.
    for h, wd, hh, ww, stride, pad in [(7, 8, 3, 3, 3, 0), (10, 9, 3, 2, 4, 1), (6, 6, 2, 2, 3, 1)]:
        _matches_reference(learner, reference, *_problem(rng, 2, 2, h, wd, 3, hh, ww), stride=stride, pad=pad)


@hidden
def test_a_kernel_as_large_as_the_padded_image(learner, reference, rng):
    _matches_reference(learner, reference, *_problem(rng, 3, 2, 5, 4, 4, 5, 4))
    _matches_reference(learner, reference, *_problem(rng, 2, 3, 3, 3, 2, 5, 5), pad=1)


@hidden
def test_one_image_one_channel_one_filter(learner, reference, rng):
    _matches_reference(learner, reference, *_problem(rng, 1, 1, 6, 5, 1, 3, 2), stride=1, pad=1)
    _matches_reference(learner, reference, *_problem(rng, 1, 1, 1, 1, 1, 1, 1))


@hidden
def test_padding_is_zeros(learner, reference, rng):
    # On an image of ones with a kernel of ones, each output counts the real pixels under its window.
    x = np.ones((2, 2, 5, 6))
    w = np.ones((3, 2, 3, 3))
    _matches_reference(learner, reference, x, w, np.zeros(3), stride=1, pad=2)
    _matches_reference(learner, reference, x, w * rng.normal(size=(3, 2, 1, 1)), rng.normal(size=3), stride=2, pad=1)


@hidden
def test_float32_input(learner, reference, rng):
    x, w, b = _problem(rng, 4, 3, 10, 10, 5, 3, 3, dtype=np.float32)
    out = _conv(learner, x, w, b, stride=1, pad=1)
    expected = reference.conv2d_forward(x.astype(np.float64), w.astype(np.float64), b.astype(np.float64), 1, 1)
    assert_allclose(out, expected, rtol=1e-4, atol=1e-4, name="out")


@hidden
def test_speed_on_a_batch_of_images(learner, reference, rng):
    # Few channels and filters on large images: the cost is in the windows, not in the products,
    # so a plain np.einsum passes easily and loops over samples, filters and positions do not.
    x, w, b = _problem(rng, 8, 3, 64, 64, 4, 3, 3)
    assert_speed(learner.conv2d_forward, reference.conv2d_forward, x, w, b, stride=1, pad=1, max_ratio=10)
