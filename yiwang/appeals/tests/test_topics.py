"""Hot topics on people's own words: messages written for these tests in several styles (a caller's
long complaint, a terse grid report, an angry post, a polite request), not the demo's templates.
The clustering must keep together what is one matter and keep apart what is not — measured by the
adjusted Rand index against the true grouping, which a random grouping of the same sizes does not
reach — and name each topic by words people used."""

from __future__ import annotations

import random

import pytest
from sklearn.metrics import adjusted_rand_score

from yiwang.appeals import topics

# Written to tune the thresholds.
TUNING = {
    "flood": ["下雨后人民路地下通道积水很深，车都过不去",
              "暴雨过后解放路桥洞下面全是水，电动车熄火了好几辆",
              "人民路隧道又淹了！！积水到膝盖，请赶紧派人抽水",
              "每次下大雨东湖街道的下穿通道就积水，排水太差",
              "积水严重 地下通道 无法通行",
              "您好，我想反映一下，城关镇那个地道一下雨就积水，走都走不了"],
    "noise": ["工地晚上十二点还在施工，噪音吵得睡不着",
              "隔壁建筑工地夜间施工，打桩声音太大，孩子没法睡觉",
              "半夜工地施工噪声扰民，投诉过多次",
              "夜里两点工地还在浇混凝土，机器轰隆隆响，严重扰民",
              "施工噪音 夜间 扰民 青山镇"],
    "wages": ["老板拖欠我们三个月工资不给，农民工讨薪难",
              "在工地干了半年活，包工头跑了，工资一直没发",
              "公司拖欠工资两个月了，找人事也没用",
              "欠薪！年底了工资还没结，十几个工人等着回家",
              "请帮忙追讨被拖欠的劳务费和工资"],
    "bus": ["12路公交车等了四十分钟都不来，班次太少",
            "早高峰公交车挤不上去，建议增加班次",
            "青山镇到县城的公交末班车太早了，下班赶不上",
            "公交站牌上的时刻表和实际发车时间对不上，公交车经常不来"],
    "light": ["小区门口路灯坏了一个多月，晚上黑漆漆的",
              "南塘镇新街的路灯全部不亮，晚上走路很危险",
              "路灯不亮 已经一周 老人晚上出门摔倒了",
              "我们这条路的路灯晚上不开，白天倒是亮着"],
    "fumes": ["楼下烧烤店油烟直接排到我家窗户，熏得没法开窗",
              "饭店排烟管道对着居民楼，油烟味太重",
              "餐馆油烟扰民，衣服都晾不了",
              "小吃店的油烟机对着我家阳台排油烟"],
}
TUNING_SINGLES = ["想咨询一下护照怎么办理", "建议图书馆周末延长开放时间", "邻居家狗每天乱叫", "医院挂号难排队久",
                  "超市卖过期牛奶", "孩子上学的学区划分是怎么定的"]

# Written afterwards and never used to choose a threshold: other matters, other people's styles.
HELD_OUT = {
    "water_cut": ["幸福小区从昨天早上开始停水，到现在还没来水，也没有任何通知",
                  "停水两天了！！家里老人孩子怎么过？？",
                  "网格上报：锦绣家园3栋停水，居民用水困难",
                  "请问白沙镇今天为什么停水，什么时候恢复供水",
                  "又停水了，自来水公司电话一直打不通"],
    "dogs": ["小区里流浪狗越来越多，晚上成群结队，孩子不敢下楼",
             "流浪狗咬伤了一位老人，请派人来抓狗",
             "东湖公园附近好多流浪狗追着人叫",
             "建议处理一下菜市场门口的流浪狗，很吓人"],
    "property": ["物业费涨了一倍却什么都不管，电梯坏了一个月",
                 "物业乱收停车费，业主没有同意",
                 "阳光花园物业不作为，垃圾堆在楼道里没人清理，物业电话没人接",
                 "投诉物业公司擅自提高物业费"],
    "manhole": ["建设路上有个井盖不见了，晚上看不到很危险",
                "井盖缺失 文化路口 已设警示",
                "学校门口井盖松动，车压过去哐哐响，怕小孩踩空",
                "人行道上的井盖碎了一半，差点崴脚"],
}
HELD_OUT_SINGLES = ["我想了解一下新生儿落户需要什么材料", "建议在体育馆旁边多建一个停车场",
                    "营业执照年报在哪里填", "楼上邻居装修把我家天花板弄裂了", "公园里的健身器材坏了"]


def _texts(groups: dict[str, list[str]], singles: list[str]) -> tuple[list[str], list[str]]:
    texts, truth = [], []
    for name, messages in groups.items():
        texts += messages
        truth += [name] * len(messages)
    texts += singles
    truth += [f"single-{i}" for i in range(len(singles))]
    return texts, truth


def _predicted(found: list[topics.Topic], n: int) -> list[str]:
    """Each text's topic; a text in no topic is a group of its own."""
    labels = [f"alone-{i}" for i in range(n)]
    for k, topic in enumerate(found):
        for i in topic.members:
            labels[i] = f"topic-{k}"
    return labels


@pytest.mark.parametrize("groups,singles", [(TUNING, TUNING_SINGLES), (HELD_OUT, HELD_OUT_SINGLES)],
                         ids=["tuning", "held-out"])
def test_what_belongs_together_is_grouped_and_the_rest_kept_apart(groups, singles):
    texts, truth = _texts(groups, singles)
    found = topics.cluster(texts)
    predicted = _predicted(found, len(texts))
    score = adjusted_rand_score(truth, predicted)
    assert score >= 0.75, (score, [(t.label, [texts[i] for i in t.members]) for t in found])
    # every matter is found, and mostly in one topic that is mostly that matter
    for name, messages in groups.items():
        members = [predicted[i] for i, t in enumerate(truth) if t == name]
        main = max(set(members), key=members.count)
        assert main.startswith("topic-"), (name, members)
        assert members.count(main) >= len(messages) - 1, (name, members)
        in_main = [truth[i] for i, p in enumerate(predicted) if p == main]
        assert in_main.count(name) >= len(in_main) - 1, (name, in_main)
    # a one-off message is no topic of its own
    assert len(found) <= len(groups)
    # a random grouping of the same sizes scores far lower: the bar above means something
    shuffled = predicted[:]
    random.Random(3).shuffle(shuffled)
    assert adjusted_rand_score(truth, shuffled) < 0.2


def test_a_topic_is_named_by_the_words_its_messages_share():
    texts, truth = _texts(TUNING, TUNING_SINGLES)
    found = {truth[t.members[0]]: t for t in topics.cluster(texts)}
    assert "积水" in found["flood"].keywords
    assert "路灯" in found["light"].keywords
    assert "油烟" in found["fumes"].keywords
    assert {"工资", "拖欠"} & set(found["wages"].keywords)
    # no boilerplate in a label
    for topic in found.values():
        assert not set(topic.keywords) & {"反映", "希望", "问题", "处理", "尽快", "严重"}, topic.label
        assert topic.example in texts


def test_the_trend_counts_last_weeks_messages_of_the_same_matter():
    this_week, _truth = _texts({"flood": TUNING["flood"], "light": TUNING["light"]}, TUNING_SINGLES)
    last_week = ["南塘镇地下通道下雨积水，车辆无法通行", "路灯坏了好几天晚上很黑",
                 "营业执照年报在哪里填", "公园里的健身器材坏了"]
    found = {t.keywords[0]: t for t in topics.cluster(this_week, last_week)}
    flood = next(t for t in found.values() if "积水" in t.keywords)
    light = next(t for t in found.values() if "路灯" in t.keywords)
    # (the 桥洞 message shares no word with the other five: words cannot tell it is the same flood)
    assert (flood.count, flood.previous) == (5, 1)
    assert (light.count, light.previous) == (4, 1)


def test_too_little_or_nothing_in_common_is_no_topic():
    assert topics.cluster([]) == []
    assert topics.cluster(["停水", "路灯"]) == []
    assert topics.cluster(HELD_OUT_SINGLES) == []
    assert topics.cluster(["！！！", "？？", "……", "123", "   "]) == []


def test_a_window_larger_than_the_sample_still_finds_its_topics(monkeypatch):
    # given more texts than the clustering takes at once (the rest join the nearest topic centre)
    monkeypatch.setattr(topics, "SAMPLE", 50)
    texts, truth = _texts(TUNING, TUNING_SINGLES)
    texts, truth = texts * 3, truth * 3  # 102 texts; a one-off said three times is a topic too
    found = topics.cluster(texts)
    named = {truth[t.members[0]] for t in found}
    assert {"flood", "noise"} <= named  # the largest matters are in the sample
    for t in found:  # each topic is one matter
        kinds = [truth[i] for i in t.members]
        assert max(kinds.count(k) for k in set(kinds)) >= 0.85 * len(kinds), (t.label, kinds)
