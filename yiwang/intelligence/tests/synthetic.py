"""Small synthetic training data: four clearly distinct topics, written here (no shared data needed)."""

from __future__ import annotations

TOPICS: dict[str, tuple[list[str], list[str]]] = {
    "交通运输": (
        ["公交车", "地铁站", "高速路口", "红绿灯", "出租车", "公交站台", "停车场", "客运站"],
        ["班次太少等车很久", "线路绕远希望调整", "高峰期拥堵严重", "司机不按站停靠", "票价上涨不合理", "路面破损车辆难行"],
    ),
    "教育文体": (
        ["小学", "幼儿园", "初中", "高中", "培训机构", "学校食堂", "校车", "学区"],
        ["学位紧张孩子入学难", "违规收取补课费", "老师体罚学生", "招生政策不公开", "教室拥挤班额太大", "课后托管收费高"],
    ),
    "环境保护": (
        ["化工厂", "养猪场", "河道", "垃圾站", "建筑工地", "饭店油烟", "污水处理厂", "采石场"],
        ["排放污水河水发黑", "废气刺鼻夜间偷排", "噪音扰民到深夜", "粉尘污染严重", "焚烧垃圾冒黑烟", "臭味熏人无法开窗"],
    ),
    "卫生计生": (
        ["社区医院", "卫生院", "人民医院", "药店", "诊所", "疫苗接种点", "妇幼保健院", "急诊科"],
        ["看病排队时间太长", "医生态度恶劣", "药品价格虚高", "医保报销被拒", "乱开检查项目", "疫苗预约不上"],
    ),
}
PLACES = ["A市", "B县", "C区", "D镇"]


def examples(labels: list[str] | None = None, per_label: int | None = None) -> list[tuple[str, str, str]]:
    """(title, body, label) rows: every subject with every issue, so 48 per topic."""
    rows = []
    for label, (subjects, issues) in TOPICS.items():
        if labels is not None and label not in labels:
            continue
        made = []
        for i, subject in enumerate(subjects):
            for j, issue in enumerate(issues):
                place = PLACES[(i + j) % len(PLACES)]
                title = f"{place}{subject}{issue}"
                body = f"我是{place}居民，{subject}{issue}，已经反映多次还没有解决，希望有关部门尽快处理。"
                made.append((title, body, label))
        rows.extend(made[:per_label] if per_label else made)
    return rows


def write_csv(path, rows, *, header=("title", "body", "label")) -> str:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
    return str(path)
