"""The course's one glossary: each concept's English term and its Korean term.

The Korean terms are those of the Korean edition of the book (밑바닥부터 시작하는
딥러닝 2), one per concept, used the same way in every notebook. Each
notebook ends with a ``## Glossary (용어집)`` table whose rows are rows of
:data:`TERMS` (``table(...)`` writes them); :data:`VARIANTS` lists other
Korean words for the same concepts that the notebooks do not use, with the
term they use instead. ``tests/test_teaching.py`` holds the notebooks to both.
"""
from __future__ import annotations

# (English, 한국어), grouped by the notebook that introduces the concept.
TERMS: list[tuple[str, str]] = [
    # 01_arrays
    ("scalar", "스칼라"), ("vector", "벡터"), ("matrix", "행렬"), ("row / column", "행 / 열"),
    ("row vector / column vector", "행벡터 / 열벡터"), ("number of dimensions (axes)", "차원 수 (축)"),
    ("shape", "형상"), ("element-wise operation", "원소별 연산"), ("broadcasting", "브로드캐스트"),
    ("dot product (inner product)", "내적"), ("matrix product", "행렬의 곱"),
    ("transpose", "전치"), ("entry (element)", "원소"), ("attribute / method", "속성 / 메서드"),
    # 02_forward
    ("neural network", "신경망"), ("inference", "추론"), ("forward propagation (forward pass)", "순전파"),
    ("node / neuron", "노드 / 뉴런"), ("layer", "계층"),
    ("input layer / hidden layer / output layer", "입력층 / 은닉층 / 출력층"),
    ("weight", "가중치"), ("bias", "편향"), ("parameter", "매개변수"),
    ("fully-connected layer", "완전연결계층"), ("affine transformation", "아핀 변환"),
    ("minibatch", "미니배치"), ("sample", "샘플"), ("activation function", "활성화 함수"),
    ("sigmoid function", "시그모이드 함수"), ("step function", "계단 함수"),
    ("overflow / underflow", "오버플로 / 언더플로"), ("score", "점수"),
    ("learning (training)", "학습"), ("constant", "상수"), ("integer", "정수"),
    ("spiral data set", "스파이럴 데이터셋"),
    # 03_loss
    ("loss function", "손실 함수"), ("loss", "손실"), ("class", "클래스"), ("probability", "확률"),
    ("softmax function", "소프트맥스 함수"), ("exponential function", "지수 함수"),
    ("natural logarithm", "자연로그"), ("label (correct answer)", "정답 레이블"),
    ("one-hot vector (one-hot encoding)", "원-핫 벡터 (원-핫 인코딩)"),
    ("label index", "레이블 인덱스"), ("fancy indexing", "팬시 인덱싱"),
    ("cross-entropy error", "교차 엔트로피 오차"), ("batch size", "배치 크기"),
    ("mean (average)", "평균"), ("Softmax-with-Loss layer", "Softmax with Loss 계층"),
    ("temperature", "온도"), ("sanity check", "기본 점검"), ("initial value", "초깃값"),
    ("logit", "로짓"), ("log-softmax", "로그 소프트맥스"),
    # 04_gradients
    ("derivative", "미분"), ("rate of change", "변화율"), ("tangent line", "접선"),
    ("numerical differentiation", "수치 미분"), ("numerical gradient", "수치 기울기"),
    ("analytic derivative", "해석적 미분"), ("forward difference", "전방 차분"),
    ("central difference", "중심 차분"), ("rounding error", "반올림 오차"),
    ("truncation error", "절단 오차"), ("partial derivative", "편미분"), ("gradient", "기울기"),
    ("vanishing gradient", "기울기 소실"), ("gradient descent", "경사 하강법"),
    ("composite function", "합성 함수"), ("chain rule", "연쇄 법칙"),
    ("gradient check", "기울기 확인"), ("Jacobian (matrix)", "야코비 행렬"),
    ("backpropagation (the method)", "오차역전파법"),
    ("Kronecker delta", "크로네커 델타"), ("quotient rule", "몫의 미분법"),
    # 05_backprop
    ("computational graph", "계산 그래프"), ("node / edge", "노드 / 에지"),
    ("backward propagation (backward pass)", "역전파"), ("upstream gradient", "상류 기울기"),
    ("local derivative", "국소적 미분"), ("path sum", "경로 합"),
    ("add node / multiply node", "덧셈 노드 / 곱셈 노드"), ("branch (copy) node", "분기 노드"),
    ("Repeat node / Sum node", "Repeat 노드 / Sum 노드"),
    ("matrix multiplication (MatMul) node", "MatMul 노드"),
    ("affine (fully-connected) layer", "Affine 계층"), ("in place", "제자리"),
    ("reuse (of a layer object)", "재사용"), ("relative error", "상대 오차"),
    # 06_training
    ("parameter update", "매개변수 갱신"),
    ("stochastic gradient descent (SGD)", "확률적 경사 하강법"), ("learning rate", "학습률"),
    ("hyperparameter", "하이퍼파라미터"), ("divergence", "발산"), ("optimizer", "옵티마이저"),
    ("epoch", "에폭"), ("iteration", "반복"), ("shuffling", "뒤섞기"),
    ("loss curve", "손실 곡선"), ("accuracy", "정확도"), ("decision boundary", "결정 경계"),
    ("decision region", "결정 영역"), ("generalisation", "일반화"),
    ("training data / validation data", "학습 데이터 / 검증 데이터"),
    ("overfitting", "오버피팅"), ("saturation (of a sigmoid)", "포화"),
    ("snapshot", "스냅숏"), ("test double", "테스트 대역"),
    # 07_autograd
    ("automatic differentiation", "자동 미분"), ("topological order", "위상 정렬 순서"),
    ("accumulate (gradients)", "누적하다"), ("leaf node", "리프 노드"),
    ("depth-first search", "깊이 우선 탐색"), ("breadth-first search", "너비 우선 탐색"),
    ("recursion", "재귀"), ("logistic regression", "로지스틱 회귀"),
]

# Korean words the notebooks avoid -> the term they use instead (same concept).
VARIANTS: dict[str, str] = {
    "모양": "형상", "레이어": "계층", "표본": "샘플", "중앙 차분": "중심 차분",
    "기울기 검사": "기울기 확인", "국소 미분": "국소적 미분", "그래디언트": "기울기",
    "과적합": "오버피팅",
}

KOREAN = dict(TERMS)


def table(*english: str) -> str:
    """The markdown glossary table of these English terms, in this order."""
    rows = ["| English | 한국어 |", "|---|---|"]
    for term in english:
        rows.append(f"| {term} | {KOREAN[term]} |")
    return "\n".join(rows)
