import numpy as np
import pytest

from mnist_course.evaluation import confusion_matrix, most_confused_pairs


def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    y_true = np.array([3, 3, 3, 5, 5, 0])
    y_pred = np.array([3, 5, 5, 5, 3, 0])
    matrix = confusion_matrix(y_true, y_pred)
    assert matrix.shape == (10, 10)
    assert matrix[3, 3] == 1 and matrix[3, 5] == 2 and matrix[5, 3] == 1 and matrix[0, 0] == 1
    assert matrix.sum() == 6
    assert matrix.sum(axis=1)[3] == 3  # every true 3 lands in row 3


@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        (np.array([1, 2]), np.array([1]), "2 true labels but 1 predictions"),
        (np.array([1, 12]), np.array([1, 2]), "digits 0-9"),
        (np.array([1, 2]), np.array([[0.1, 0.9], [0.8, 0.2]]), "argmax"),
        (np.array([1.0, 2.0]), np.array([1, 2]), "integer digit labels"),
    ],
)
def test_confusion_matrix_rejects_bad_labels(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        confusion_matrix(y_true, y_pred)


def test_most_confused_pairs_largest_first_with_share_of_true_digit():
    matrix = np.diag([100] * 10)
    matrix[4, 9] = 7
    matrix[3, 5] = 3
    matrix[7, 1] = 1
    pairs = most_confused_pairs(matrix, top=2)
    assert pairs[["true", "predicted", "count"]].values.tolist() == [[4, 9, 7], [3, 5, 3]]
    assert pairs.loc[0, "share"] == pytest.approx(7 / 107)


def test_most_confused_pairs_stops_at_real_mistakes():
    pairs = most_confused_pairs(np.diag([10] * 10), top=5)
    assert pairs.empty and list(pairs.columns) == ["true", "predicted", "count", "share"]


def test_most_confused_pairs_rejects_wrong_shape():
    with pytest.raises(ValueError, match="10x10"):
        most_confused_pairs(np.zeros((3, 3)))
