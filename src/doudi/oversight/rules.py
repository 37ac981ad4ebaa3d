"""Pure rules of surveys and evaluations (no Django imports).

Seed document 1, 三、保障措施: 满意度调查 and 绩效评估 of guardians, carers and providers; seed
document 5, 四 (四): a guardian who does not fulfil the duty is replaced promptly (及时更换监护人).
"""

from __future__ import annotations

ANSWERS = ("satisfied", "fairly", "dissatisfied")

DEFAULT_QUESTIONNAIRE = "特困人员满意度调查"
DEFAULT_QUESTIONS = [
    "您对监护人（照料人）的日常看护、照料是否满意？",
    "您对村、乡镇干部走访探视是否满意？",
    "您对吃、穿、住、医等基本生活保障是否满意？",
    "您对购买服务（打扫卫生、衣物换洗等）是否满意？",
    "您对发放的生活物资、取暖设施是否满意？",
]

CRITERIA = {
    "guardian": ["履行监护职责", "日常看护和生活照料", "住院陪护和及时报告", "与被监护人关系"],
    "carer": ["服务态度", "照料质量", "按约定时间上门", "个人和居室卫生改善"],
    "provider": ["服务质量", "合同履行", "服务记录真实", "群众评价"],
}
SCORES = (1, 2, 3, 4, 5)
# An average below this, or any criterion scored 1, marks the evaluation poor: for a guardian, the
# person appears on the guardian-replacement list.
POOR_AVERAGE = 3.0


def average(scores: dict[str, int]) -> float:
    return round(sum(scores.values()) / len(scores), 2) if scores else 0.0


def is_poor(scores: dict[str, int]) -> bool:
    return bool(scores) and (average(scores) < POOR_AVERAGE or min(scores.values()) == 1)


def satisfaction_rate(satisfied: int, fairly: int, dissatisfied: int) -> int | None:
    """满意率: (满意 + 基本满意) as a percentage of all answers; None without answers."""
    total = satisfied + fairly + dissatisfied
    return round((satisfied + fairly) * 100 / total) if total else None
