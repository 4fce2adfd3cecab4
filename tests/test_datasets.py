"""Datasets: CSV loading and its errors, scaling, the stratified split, toy sets, sklearn sets."""

import numpy as np
import pytest

from nnmath import datasets
from nnmath.datasets import load_csv, split_indices, standardize, train_test_split
from nnmath.datasets.csvfile import read_features
from nnmath.errors import ConfigError, DataError, ModelFileError
from nnmath.modelfile import read_scaling


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- load_csv -------------------------------------------------------------------
def test_string_labels_are_sorted_and_kept(tmp_path):
    path = write(tmp_path, "a,b,label\n1,2,cat\n3,4.5,dog\n-1,0,cat\n")
    data = load_csv(path, target="label")
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4.5], [-1, 0]])
    assert data.y.tolist() == [0, 1, 0]
    assert data.class_names == ("cat", "dog")
    assert data.feature_names == ("a", "b") and data.target_name == "label"
    assert data.task == "classification"


def test_class_order_can_be_given(tmp_path):
    path = write(tmp_path, "psa,status\n3.8,Cancer\n0.8,Healthy\n")
    data = load_csv(path, target="status", classes=["Healthy", "Cancer"])
    assert data.y.tolist() == [1, 0] and data.class_names == ("Healthy", "Cancer")
    with pytest.raises(DataError, match="Cancer"):
        load_csv(path, target="status", classes=["Healthy", "Other"])


def test_integer_labels_sort_numerically(tmp_path):
    path = write(tmp_path, "x,y\n1,10\n2,2\n3,2.0\n4,0\n")
    data = load_csv(path, target="y", task="classification")
    assert data.class_names == ("0", "2", "10")   # numerically, "2.0" is class "2"
    assert data.y.tolist() == [2, 1, 1, 0]


def test_regression_target_is_detected_or_asked_for(tmp_path):
    path = write(tmp_path, "x,price\n1,1.5\n2,2.25\n3,3.0\n")
    data = load_csv(path, target="price")
    assert data.task == "regression" and data.class_names == ()
    np.testing.assert_array_equal(data.y, [1.5, 2.25, 3.0])
    ints = write(tmp_path, "x,count\n1,1\n2,2\n3,2\n4,1\n", "ints.csv")
    assert load_csv(ints, target="count").task == "classification"   # few, each seen twice
    assert load_csv(ints, target="count", task="regression").y.tolist() == [1, 2, 2, 1]
    once = write(tmp_path, "x,count\n1,1\n2,2\n3,2\n4,3\n", "once.csv")
    data = load_csv(once, target="count")      # a value seen once: numbers, and said why
    assert data.task == "regression"
    assert data.notes == ("task: regression (the target has 3 distinct whole numbers, 2 of "
                          "them in one row only; --task classification makes them classes)",)


def test_features_can_be_chosen_and_order_kept(tmp_path):
    path = write(tmp_path, "a,b,c,t\n1,2,3,x\n4,5,6,y\n")
    data = load_csv(path, target="t", features=["c", "a"])
    np.testing.assert_array_equal(data.X, [[3, 1], [6, 4]])
    X, names = read_features(path, ["b"])
    np.testing.assert_array_equal(X, [[2], [5]])


def test_quoted_fields_blank_lines_and_bom(tmp_path):
    path = tmp_path / "q.csv"
    path.write_bytes('\ufeff"a","t"\n"1.5","x y"\n\n2,"z"\n'.encode("utf-8"))
    data = load_csv(path, target="t")
    assert data.class_names == ("x y", "z") and data.X.ravel().tolist() == [1.5, 2.0]


@pytest.mark.parametrize("text, target, message", [
    ("a,b\n1,x\n2,y\n", "nope", r"target column must be one of the columns 'a', 'b'\. "
                                r"Got 'nope'"),
    ("", "t", "non-empty"),
    ("a,t\n", "t", "header only"),
    ("a,t\n1,x\n2,x\n", "t", "at least 2 classes. Got \"only 'x'\""),
    ("a,t\n1,x\nabc,y\n", "t", r"line 3, column 1 \('a'\) must be a number. Got 'abc'"),
    ("a,b,t\n1,2,x\n2,nan,y\n", "t", r"line 3, column 2 \('b'\) must be a number. "
                                     "Got \"'nan', a missing value\". Give --impute mean"),
    ("a,t\n1,x\ninf,y\n", "t", r"line 3, column 1 \('a'\) must be a finite number"),
    ("a,t\n1,x\n,y\n", "t", r"line 3, column 1 \('a'\) must be a number. Got 'an empty cell'"),
    ("a,t\n1,x\n2\n", "t", r"line 3 must be 2 values"),
    ("a,t\n1,x\n2,\n", "t", r"target column 't' must be made of at least 2 classes"),
    ("a,a,t\n1,2,x\n", "t", "column names must be unique"),
    ("t\nx\ny\n", "t", "at least one feature column"),
])
def test_clear_errors(tmp_path, text, target, message):
    path = write(tmp_path, text)
    with pytest.raises(DataError, match=message):
        load_csv(path, target=target)


def test_regression_target_errors_and_missing_file(tmp_path):
    path = write(tmp_path, "a,t\n1,2.5\n2,inf\n")
    with pytest.raises(DataError, match=r"target in line 3 \(column 't'\) must be a finite"):
        load_csv(path, target="t", task="regression")
    with pytest.raises(DataError, match="does not exist"):
        load_csv(tmp_path / "missing.csv", target="t")
    with pytest.raises(DataError, match="task must be"):
        load_csv(path, target="t", task="clustering")


# -- files that are not what they seem: the header line and the separator ------------
def test_scikit_learns_own_iris_csv_is_refused_with_the_reason():
    """Its first line is `150,4,setosa,versicolor,virginica`: counts, not column names.
    Was: read as columns named '150' and '4'."""
    pytest.importorskip("sklearn")
    from importlib import resources

    path = resources.files("sklearn.datasets").joinpath("data", "iris.csv")
    with pytest.raises(DataError, match=r"the first line of .*iris.csv' must be the column "
                       r"names \(a header line such as psa,age,status\)\. Got "
                       r"'150,4,setosa,versicolor,virginica'\. '150' and '4' are numbers, "
                       r"not names: put a first line with one name per column"):
        load_csv(path, target="4")
    with pytest.raises(DataError, match="must be the column names"):
        read_features(path)


@pytest.mark.parametrize("text, message", [
    ("3.8,61,1\n0.8,55,0\n", r"'3.8', '61' and '1' are numbers, not names: .* \(the file "
                              r"seems to have no header line\)"),
    ("1e3,b,t\n1,2,x\n", r"'1e3' is a number, not names"),
    ("a,-2,t\n1,2,x\n", r"'-2' is a number"),
    ("0,1,2,3,4,t\n1,2,3,4,5,x\n0,0,0,0,0,y\n", None),   # 0..4 are positions: accepted
    ("1,2,t\n1,2,x\n3,4,y\n", None),                 # so are 1..2
    ("2,1,t\n1,2,x\n", r"'2' and '1' are numbers"),    # but not shuffled ones
])
def test_a_header_of_numbers_is_an_error_unless_they_are_positions(tmp_path, text, message):
    path = write(tmp_path, text)
    if message is None:
        data = load_csv(path, target="t")
        assert data.feature_names == tuple(text.split("\n")[0].split(",")[:-1])
    else:
        with pytest.raises(DataError, match=message):
            read_features(path)


def test_space_separated_files_are_read_as_such(tmp_path):
    """Was: one column named 'psa age status'."""
    path = write(tmp_path, 'psa  age "status now"\n3.8 61 Cancer\n  0.8   55  Healthy  \n\n'
                           "2.5 70 Cancer\n")
    data = load_csv(path, target="status now")
    assert data.feature_names == ("psa", "age")
    np.testing.assert_array_equal(data.X, [[3.8, 61], [0.8, 55], [2.5, 70]])
    assert [data.class_names[c] for c in data.y] == ["Cancer", "Healthy", "Cancer"]
    # one column whose name has a space stays one column
    one = write(tmp_path, "mean radius\n17.99\n20.57\n", "one.csv")
    X, names = read_features(one)
    assert names == ("mean radius",) and X.ravel().tolist() == [17.99, 20.57]
    # a header with spaces over comma-separated rows is a comma file with odd names
    mixed = write(tmp_path, "psa age status\n3.8,61,Cancer\n", "mixed.csv")
    with pytest.raises(DataError, match="line 2 must be 1 values"):
        load_csv(mixed, target="psa age status")


def test_numpy_savetxt_files_are_read_with_their_header(tmp_path):
    X = np.array([[3.8, 61.0, 1.0], [0.8, 55.0, 0.0]])
    for delimiter in (",", " "):
        path = tmp_path / f"np{len(delimiter)}{delimiter == ' '}.txt"
        np.savetxt(path, X, delimiter=delimiter, header=delimiter.join(["psa", "age", "t"]))
        assert path.read_text().startswith("# psa")
        data = load_csv(path, target="t")
        assert data.feature_names == ("psa", "age")
        np.testing.assert_array_equal(data.X, X[:, :2])


def test_unnamed_columns_pandas_index_and_trailing_separators(tmp_path):
    pandas_index = write(tmp_path, ",psa,status\n0,3.8,Cancer\n1,0.8,Healthy\n")
    with pytest.raises(DataError, match=r"column 1 of .* must be named in the header line\. "
                       r"Got 'no name, and the value 0 in line 2'\. .*index=False"):
        load_csv(pandas_index, target="status")
    trailing = write(tmp_path, "psa,status,\n3.8,Cancer,\n0.8,Healthy,\n", "t.csv")
    data = load_csv(trailing, target="status")
    assert data.feature_names == ("psa",) and data.X.ravel().tolist() == [3.8, 0.8]


# -- scaling --------------------------------------------------------------------
def test_standardize_matches_numpy_and_survives_a_constant_column():
    rng = np.random.default_rng(0)
    X = np.c_[rng.normal(3, 2, 50), np.full(50, 7.0), rng.normal(-1, 0.1, 50)]
    s = standardize(X)
    Z = s.apply(X)
    np.testing.assert_allclose(Z[:, [0, 2]].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z[:, [0, 2]].std(axis=0), 1, rtol=1e-12)
    assert np.all(Z[:, 1] == 0) and s.std[1] == 1.0
    sk = pytest.importorskip("sklearn.preprocessing")
    np.testing.assert_allclose(Z, sk.StandardScaler().fit_transform(X), atol=1e-12)


def test_scaling_round_trips_through_a_dict_and_rejects_bad_ones():
    s = standardize([[1.0, 2.0], [3.0, 5.0]])
    back = read_scaling(s.to_dict())
    assert np.array_equal(back.mean, s.mean) and np.array_equal(back.std, s.std)
    for bad in ({"method": "minmax"}, {"method": "standard", "mean": [0.0], "std": [0.0]},
                {"method": "standard", "mean": ["a"], "std": [1.0]}, [1, 2]):
        with pytest.raises(ModelFileError):
            read_scaling(bad)


# -- split ----------------------------------------------------------------------
def test_split_is_stratified_disjoint_complete_and_seeded():
    y = np.r_[np.zeros(60, int), np.ones(30, int), np.full(10, 2)]
    train, test = split_indices(y, test_size=0.2, seed=3)
    assert len(test) == 20 and len(train) == 80
    assert sorted(np.r_[train, test].tolist()) == list(range(100))
    assert np.bincount(y[test]).tolist() == [12, 6, 2]     # 20 % of each class
    again = split_indices(y, test_size=0.2, seed=3)
    assert np.array_equal(again[1], test)
    assert not np.array_equal(split_indices(y, test_size=0.2, seed=4)[1], test)


def test_split_rounds_by_largest_remainder_and_checks_sizes():
    y = np.r_[np.zeros(7, int), np.ones(7, int)]   # the PSA shape
    train, test = split_indices(y, test_size=0.25, seed=0)
    assert len(test) == 4 and sorted(np.bincount(y[test]).tolist()) == [2, 2]
    with pytest.raises(DataError, match="between 1 and 13 rows"):
        split_indices(y, test_size=14)
    with pytest.raises(ConfigError, match="test_size must be"):
        split_indices(y, test_size=1.5)


def test_train_test_split_of_a_dataset():
    data = datasets.psa()
    train, test = train_test_split(data, test_size=0.5, seed=1)
    assert len(train) == len(test) == 7
    assert set(train.X.ravel()) | set(test.X.ravel()) == set(data.X.ravel())
    assert train.class_names == data.class_names


# -- toy sets -------------------------------------------------------------------
@pytest.mark.parametrize("make", [datasets.circle, datasets.xor, datasets.blobs,
                                  datasets.spiral])
def test_toy_sets_are_seeded_and_noise_moves_points(make):
    a, b = make(n_samples=100, seed=1), make(n_samples=100, seed=1)
    assert a.X.shape == (100, 2) and a.y.shape == (100,)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert not np.array_equal(make(n_samples=100, seed=2).X, a.X)
    noisy = make(n_samples=100, noise=0.2, seed=1)
    assert np.array_equal(noisy.y, a.y) and not np.allclose(noisy.X, a.X)
    assert len(set(a.y.tolist())) == len(a.class_names) == 2
    with pytest.raises(ConfigError):
        make(n_samples=100, noise=-1)


def test_toy_geometry():
    c = datasets.circle(n_samples=200, seed=0)
    r = np.hypot(*c.X.T)
    assert np.all(r[c.y == 1] <= 0.5) and np.all(r[c.y == 0] >= 0.7)
    x = datasets.xor(n_samples=200, seed=0)
    assert np.array_equal(x.y, (np.sign(x.X[:, 0]) == np.sign(x.X[:, 1])).astype(int))
    b = datasets.blobs(n_samples=3000, n_classes=3, spread=0.1, seed=0)
    for k in range(3):
        angle = 2 * np.pi * k / 3
        np.testing.assert_allclose(b.X[b.y == k].mean(axis=0),
                                   [0.6 * np.cos(angle), 0.6 * np.sin(angle)], atol=0.01)
    s = datasets.spiral(n_samples=200, n_classes=3, seed=0)
    assert np.all(np.hypot(*s.X.T) <= 1.0) and set(s.y.tolist()) == {0, 1, 2}


# -- scikit-learn's real sets -----------------------------------------------------
def test_sklearn_sets_match_sklearn():
    sk = pytest.importorskip("sklearn.datasets")
    for ours, theirs, n_classes in ((datasets.breast_cancer, sk.load_breast_cancer, 2),
                                    (datasets.iris, sk.load_iris, 3),
                                    (datasets.digits, sk.load_digits, 10)):
        data, (X, y) = ours(), theirs(return_X_y=True)
        assert np.array_equal(data.X, X) and np.array_equal(data.y, y)
        assert len(data.class_names) == n_classes == len(set(y))
        assert len(data.feature_names) == X.shape[1]
