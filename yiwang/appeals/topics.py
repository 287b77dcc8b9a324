"""Hot topics (热点诉求): recurring matters found in the words of the appeals themselves.

No database here: ``cluster`` takes texts and returns topics; ``hot_topics`` (the snapshot job)
feeds it the last seven days and the seven before, and the board reads what it stored.

How: each text is cut into words by jieba (dictionary words, with appeal words added) and stop words and boilerplate
(反映、希望、尽快处理 …) are dropped; the words, plus the character pairs inside them (so 噪音 and
噪声 share 噪), are weighted by TF-IDF (scikit-learn, sublinear tf, L2). Texts are grouped by
agglomerative clustering on cosine distance with average linkage, cut at ``DISTANCE`` (so the
number of topics is not fixed in advance: five complaints about one thing are one topic, a lone
complaint is none). A window larger than ``SAMPLE`` texts is clustered on a fixed-seed sample and
every other text joins the nearest topic centre if it is close enough (``JOIN_SIMILARITY``); a
topic smaller than about 1/``SAMPLE`` of the window can then be missed, which is said in docs.
The previous week's texts are matched to the same centres for the trend.

A topic is named by the words most of its texts use (what people said, e.g. 积水 · 地下通道 · 下雨) and shown
with the text nearest its centre as an example."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import jieba
import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_distances

from yiwang.appeals import geo

DISTANCE = 0.76  # cosine distance at which two groups stop merging (average linkage)
JOIN_SIMILARITY = 0.25  # a text outside the sample joins a topic centre at least this similar
SAMPLE = 2500  # texts clustered directly; O(n²) memory and time above that
MIN_COUNT = 3  # a topic is at least this many appeals in the window
MAX_TOPICS = 12
LABEL_WORDS = 3

jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise

# Words that say nothing about the matter: function words, politeness, and what every appeal says.
STOP_WORDS = frozenset("""
我 我们 你们 他们 她们 它们 自己 大家 这个 那个 这些 那些 这里 那里 这样 那样 什么 怎么 怎么办 为什么 为何 如何 哪里
一个 一些 一直 一下 一点 一次 多次 几次 好几次 很多 非常 特别 十分 比较 已经 还是 还有 没有 没人 不是 就是 但是 而且 并且
因为 所以 如果 然后 现在 目前 最近 近期 今天 昨天 每天 天天 晚上 早上 白天 时候 期间 以来 之后 之前 以后 以前 经常 总是
可以 能够 需要 应该 是否 能否 不能 不会 不要 必须 要求 希望 请求 恳请 麻烦 谢谢 感谢 您好 你好 请问 咨询 反映 反应 投诉
举报 建议 诉求 问题 情况 事情 事件 处理 解决 尽快 及时 马上 赶紧 有关 有关部门 相关 相关部门 部门 领导 政府 重视 关注
严重 影响 居民 市民 群众 老百姓 本人 家里 附近 周边 这边 那边 位于 地址 某县 县里 本县 演示 数据 其他 其它 一样 这么
没人管 我家 你家 他家 不了 时间 过不去 走不了 没法 不给 没用 那么 怎样 情况下 下来 起来 出来 进来 过去 上去 里面 外面 旁边 对面 造成 导致 存在 出现 发生 进行 有人 没有人
""".split()) | {town for town, _col, _row in geo.TOWNS}  # a town is where, not what: the map shows where
_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$|^[a-z][a-z0-9]{2,}$")


# Words of appeals jieba's general dictionary cuts badly ("灯不亮", "月工资", "山镇"): added once.
DOMAIN_WORDS = ("路灯 不亮 拖欠 欠薪 讨薪 工资 积水 内涝 下穿 噪音 噪声 扰民 油烟 公交 末班车 班次 停水 停电 停气 井盖 "
                "垃圾 违建 违章搭建 占道 乱停 充电桩 电动车 物业 漏水 渗水 化粪池 下水道 臭味 异味 流浪狗 广场舞").split()
DOMAIN_WORDS += [town for town, _col, _row in geo.TOWNS]
for _w in DOMAIN_WORDS:
    jieba.add_word(_w, freq=200000)


def words(text: str) -> list[str]:
    """The informative words of a text: jieba's precise cut by its dictionary (no guessed new
    words: they make odd labels), two CJK characters or more (or a Latin word of three letters or
    more), stop words dropped, lower-cased."""
    out = []
    for token in jieba.lcut(text.lower(), HMM=False):
        token = token.strip()
        if token and token not in STOP_WORDS and _WORD.match(token):
            out.append(token)
    return out


def features(text: str) -> list[str]:
    """What the vectoriser counts: the words, and the character pairs inside words of three
    characters or more (so 夜间施工 and 施工 meet even when jieba keeps the long word whole)."""
    return _features(words(text))


def _features(ws: list[str]) -> list[str]:
    return ws + [w[i:i + 2] for w in ws if len(w) > 2 and not w.isascii() for i in range(len(w) - 1)]


@dataclass
class Topic:
    label: str  # the heaviest words, joined by " · "
    keywords: list[str]
    example: str  # the text nearest the topic's centre
    members: list[int]  # indexes into the current texts, nearest the centre first
    previous: int = 0  # how many of the previous texts match this topic
    extra: dict = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.members)


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def cluster(texts: list[str], previous: list[str] | tuple[str, ...] = (), *, seed: int = 7) -> list[Topic]:
    """The recurring topics of ``texts`` (largest first, at most ``MAX_TOPICS``), each with how many
    of ``previous`` belong to it."""
    if len(texts) < MIN_COUNT:
        return []
    said = [words(t) for t in texts]
    tokens = [_features(ws) for ws in said]
    has_words = [i for i, tok in enumerate(tokens) if tok]
    if len(has_words) < MIN_COUNT:
        return []
    vectoriser = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2, norm="l2")
    try:
        matrix = vectoriser.fit_transform(tokens)
    except ValueError:  # no feature occurs twice: nothing recurs
        return []
    usable = np.flatnonzero(np.asarray(matrix.getnnz(axis=1)) > 0)
    if len(usable) < MIN_COUNT:
        return []
    rng = np.random.default_rng(seed)
    sample = usable if len(usable) <= SAMPLE else np.sort(rng.choice(usable, SAMPLE, replace=False))
    distances = cosine_distances(matrix[sample])
    labels = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                     distance_threshold=DISTANCE).fit_predict(distances)
    kept = [k for k in np.unique(labels) if (labels == k).sum() >= 2
            and (labels == k).sum() * len(usable) / len(sample) >= MIN_COUNT]
    if not kept:
        return []
    groups = [sample[labels == k] for k in kept]
    centres = np.vstack([np.asarray(matrix[g].mean(axis=0)) for g in groups])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    # a text of a kept group stays in it; every other text (outside the sample, or in a group too
    # small to be a topic) joins the nearest centre if it is close enough
    members: list[list[tuple[float, int]]] = [[] for _ in groups]
    grouped = np.zeros(len(texts), dtype=bool)
    for k, group in enumerate(groups):
        grouped[group] = True
        sim = np.asarray(matrix[group] @ centres[k]).ravel()
        members[k].extend((float(s), int(i)) for s, i in zip(sim, group, strict=True))
    others = np.array([i for i in usable if not grouped[i]], dtype=int)
    if len(others):
        similarity = np.asarray(matrix[others] @ centres.T)
        best = similarity.argmax(axis=1)
        best_similarity = similarity[np.arange(len(others)), best]
        for row in np.flatnonzero(best_similarity >= JOIN_SIMILARITY):
            members[best[row]].append((float(best_similarity[row]), int(others[row])))
    previous_counts = np.zeros(len(groups), dtype=int)
    if previous:
        before = vectoriser.transform([features(t) for t in previous])
        sim = np.asarray(before @ centres.T)
        if sim.size:
            hit = sim.max(axis=1) >= JOIN_SIMILARITY
            np.add.at(previous_counts, sim.argmax(axis=1)[hit], 1)
    topics = []
    for k, rows in enumerate(members):
        if len(rows) < MIN_COUNT:
            continue
        rows.sort(key=lambda r: (-r[0], r[1]))
        top = _label(k, [said[i] for _s, i in rows[:200]], centres, vectoriser.vocabulary_)
        topics.append(Topic(label=" · ".join(top), keywords=top, example=texts[rows[0][1]],
                            members=[i for _s, i in rows], previous=int(previous_counts[k])))
    topics.sort(key=lambda t: (-t.count, t.label))
    return topics[:MAX_TOPICS]


def _label(k: int, member_words: list[list[str]], centres: np.ndarray, vocabulary: dict[str, int]) -> list[str]:
    """The words most of a topic's texts use (ties: the heavier at the centre), none inside another
    (拖欠工资 or 拖欠, not both)."""
    counts = Counter(w for ws in member_words for w in set(ws))
    ranked = sorted(counts, key=lambda w: (-counts[w], -centres[k, vocabulary[w]] if w in vocabulary else 0, w))
    chosen: list[str] = []
    for w in ranked:
        if counts[w] < 2 and chosen:
            break
        if not any(w in c or c in w for c in chosen):
            chosen.append(w)
        if len(chosen) == LABEL_WORDS:
            break
    return chosen
