"""Guide search (智能导办): a citizen's question in their own words → the service items to apply for.

"我要开一家饭店需要办什么" should find 食品经营许可 and 个体工商户注册登记, although no item contains those
words. The engine, all in memory, all offline:

* **Tokens.** jieba's search mode (words and their 2–3 character sub-words), with a domain
  dictionary (``DOMAIN_WORDS``, every trigger of ``SYNONYMS`` and every catalogue keyword) loaded into
  a tokenizer of our own: the global ``jieba`` instance, which the appeal classifier uses, is never
  changed. Question words, pronouns and single characters are dropped (``STOPWORDS``).
* **How citizens speak.** ``SYNONYMS`` maps what people say (开饭店, 社保, 房产证, 生孩子 …) to the
  words the catalogue uses (餐饮/食品经营, 社会保险, 不动产, 生育登记 …); a trigger found anywhere in the
  question adds its terms with weight ``EXPANSION_WEIGHT``. Every keyword (关键词/同义词) the
  catalogue's editors gave an item that occurs verbatim in the question counts as a term too.
* **Ranking.** BM25F over the fields of each active item: name (weighted most), keywords,
  受理条件, material names, legal basis and department (``FIELD_WEIGHTS``); a term's IDF is counted
  over names and keywords only (``IDF_FIELDS``), so that a word every item's materials carry
  (申请人居民身份证) keeps its weight where it is the subject. 一件事 packages are documents of the same
  index (their member items' names as materials) and are answered apart (``GuideAnswer.packages``)
  when they score near the best item. Every hit carries its score
  and the terms it matched, so the page can say why it was found.
* **Index.** Built from the database on first use and kept per process; each search first reads a
  cheap signature of the catalogue (one aggregate query over items and one over materials) and
  rebuilds when it changed, and in any case after ``INDEX_MAX_AGE_S`` seconds (an edit that keeps
  every length the same is not seen by the signature). The build of the 305 demo items and 10 packages
  takes a few hundred milliseconds; nothing is shared between processes, so every process stays correct on its own.

Quality and speed are measured by ``bench/guide_search.py`` on ``data/guide_questions.json``
(figures in ``docs/benchmarks.md``).
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import jieba
from django.db import connection
from django.db.models import F
from django.utils.translation import gettext as _

from yiwang.catalog.models import LifeEventPackage, Material, PackageMember, ServiceItem

jieba.setLogLevel(logging.WARNING)
logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 200  # a question is a sentence; longer text is cut here (``truncated`` says so)
MIN_QUERY_CHARS = 2  # Chinese characters, letters or digits
INDEX_MAX_AGE_S = 300.0

# BM25F: weight of a term occurrence per field, the usual k1 and per-field length normalisation b.
FIELD_WEIGHTS: dict[str, float] = {"name": 3.0, "keywords": 2.0, "conditions": 0.5, "materials": 0.4,
                                   "basis": 0.3, "department": 0.5}
FIELD_B: dict[str, float] = {"name": 0.5, "keywords": 0.3, "conditions": 0.75, "materials": 0.75, "basis": 0.75,
                             "department": 0.3}
K1 = 1.2
IDF_FIELDS = ("name", "keywords")  # document frequency counted here (see GuideIndex)
QUESTION_WEIGHT = 1.0  # a word of the question itself
PHRASE_WEIGHT = 1.0  # an item keyword found verbatim in the question (added to its words)
EXPANSION_WEIGHT = 0.7  # a catalogue term that SYNONYMS adds
RELATIVE_CUTOFF = 0.2  # hits below this share of the best score are not counted as matches
PACKAGE_CUTOFF = 0.6  # a 一件事 package is shown when it scores at least this share of the best item
MAX_PACKAGES = 2

# Question words, pronouns and filler a question brings and no item is about.
STOPWORDS = frozenset("""
我 我们 你 你们 您 他 她 它 他们 咱 咱们 俺 自己 我家 我的 人家
想 要 想要 我要 需要 打算 准备 应该 必须 得 能 能否 能不能 可以 可不可以 可否 会 是否 是不是 有没有 有无 要不要 用不用
办 办理 要办 办个 办些 办下 弄 搞 做 去 来 给 把 被 让 用 到 在 从 对 向 跟 和 与 及 或 或者 还是 以及 并
什么 啥 什么样 怎么 怎样 怎么样 怎么办 咋 咋办 咋弄 咋整 如何 哪些 哪个 哪里 哪儿 哪 去哪 去哪里 在哪 在哪里 多少 几
吗 呢 吧 啊 呀 哦 嘛 了 的 地 着 过 么 呗 哈
一个 一家 一下 一些 一间 一所 一 个 家 间 些 下 这 那 这个 那个 这边 那边 这里 那里 这样 那样 这种
是 有 没有 没 不 都 也 还 就 又 再 才 很 太 更 最 已经 刚 刚刚 刚才 现在 今年 明年 最近 马上 快 快要
请问 请 问 问下 问一下 咨询 你好 您好 谢谢 麻烦 帮忙 一般 具体 相关 方面 情况 问题 事 事情 东西
手续 流程 步骤 程序 部门 窗口 政府 需要 所需 条件 材料 哪些 相应 办事
""".split())

# Words the catalogue and citizens use that jieba's stock dictionary splits or lacks.
DOMAIN_WORDS = (
    "食品经营", "食品经营许可", "食品生产", "小作坊", "营业执照", "个体工商户", "个体户", "企业开办", "企业设立", "社保卡",
    "社会保障卡", "社会保险", "不动产", "不动产权", "二手房", "商品房", "房产证", "出生医学证明", "出生登记", "生育登记",
    "居住证", "公租房", "廉租房", "宅基地", "无犯罪记录", "网约车", "失业金", "失业保险金", "养老金", "养老保险",
    "高龄津贴", "低保", "最低生活保障", "特困人员", "临时救助", "殡葬", "残疾人", "驾驶证", "驾照", "身份证", "户口本",
    "特种行业", "特种设备", "公共场所", "卫生许可", "办学许可", "教师资格", "教资", "上网服务", "娱乐场所", "出版物",
    "机动车维修", "道路运输", "乡村建设规划", "抵押注销", "契税", "个税", "汇算清缴", "完税证明", "清税证明", "发票申领",
    "户外广告", "建筑垃圾", "占道经营", "烟花爆竹", "动物防疫", "地力保护", "农药经营", "取水许可", "夜间施工",
    "环评", "环境影响评价", "排污许可", "施工许可", "维修资金", "维修基金", "租赁登记", "创业担保贷款", "就业创业证",
    "营业性演出", "计量器具", "医疗器械", "纳税人登记", "燃气经营", "危险化学品", "危化品", "公章刻制", "社会团体",
    "民办非企业", "工伤认定", "变更登记", "注销登记", "转移登记", "继承登记", "抵押登记", "设立登记", "遗失补领",
)

# What citizens say → the words the catalogue uses. Each row: (triggers, catalogue terms). A trigger
# found anywhere in the (normalised) question adds the terms with EXPANSION_WEIGHT; "开+店" means
# both parts occur (开个理发店, 开一家奶茶店).
SYNONYMS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    # 开店、开公司
    (("饭店", "餐馆", "饭馆", "面馆", "餐厅", "小吃", "快餐", "早餐店", "早点", "烧烤", "火锅", "奶茶", "咖啡",
      "甜品", "面包", "蛋糕", "外卖", "食堂", "大排档", "农家乐", "卤菜", "熟食"), ("餐饮", "食品经营")),
    (("超市", "便利店", "小卖部", "零食", "副食", "水果店", "烟酒店", "食品店", "卖吃的"), ("食品经营", "食品店")),
    (("开+店", "开+馆", "门店", "店铺", "做生意", "做买卖", "个体户", "小本生意", "当老板"), ("个体工商户", "营业执照")),
    (("开公司", "注册公司", "成立公司", "办公司", "开办公司", "公司注册", "新公司", "开办企业", "办企业", "办厂",
      "开厂", "成立企业"), ("企业开办", "企业设立", "营业执照")),
    (("执照",), ("营业执照",)),
    (("作坊", "自家做", "自己做", "自制", "手工做", "土特产", "辣椒酱", "腊肉", "香肠", "年糕", "豆腐", "米酒"),
     ("食品小作坊", "食品加工")),
    (("食品厂", "加工厂"), ("食品生产", "食品加工")),
    (("药店", "药房", "卖药"), ("药品零售",)),
    (("理发", "美发", "发廊", "剃头", "美容", "美甲", "足浴", "足疗", "按摩", "洗浴", "澡堂", "游泳", "健身房"),
     ("公共场所", "卫生许可")),
    (("民宿", "宾馆", "酒店", "旅馆", "旅店", "客栈", "招待所", "住宿"), ("旅馆业", "特种行业", "公共场所")),
    (("诊所", "门诊", "医务室", "卫生室", "牙科"), ("医疗机构", "执业许可")),
    (("医生", "大夫"), ("医师", "执业注册")),
    (("护士",), ("护士执业",)),
    (("培训班", "辅导班", "补习班", "培训机构", "兴趣班", "课外班", "托管班", "办学"), ("办学许可", "培训机构", "民办学校")),
    (("托儿所", "幼儿园", "早教"), ("幼儿园", "学前教育")),
    (("教资", "当老师", "教师证", "老师资格"), ("教师资格",)),
    (("网吧", "网咖", "电竞"), ("上网服务",)),
    (("ktv", "歌厅", "酒吧", "歌舞厅", "棋牌室", "游戏厅", "电玩"), ("娱乐场所",)),
    (("书店", "书报亭", "报刊亭", "卖书", "图书"), ("出版物", "出版物零售")),
    (("旅行社", "旅游公司", "带团"), ("旅行社",)),
    (("滴滴", "网约车", "跑网约", "顺风车", "快车"), ("网约车", "网络预约出租汽车")),
    (("出租车", "的士", "开出租", "的哥"), ("出租汽车", "从业资格证")),
    (("汽修", "修车", "洗车", "汽车美容", "修理厂", "补胎"), ("机动车维修",)),
    (("货车", "物流", "跑运输", "拉货", "货运", "运输公司"), ("道路运输", "货运")),
    (("客车", "班车", "包车", "大巴"), ("客运", "旅客运输")),
    (("油漆", "化工", "危险品", "危化品", "化学品"), ("危险化学品",)),
    (("液化气", "煤气", "天然气", "燃气"), ("燃气经营", "燃气")),
    (("烟花", "鞭炮", "爆竹"), ("烟花爆竹",)),
    (("农药", "化肥", "农资"), ("农药经营",)),
    (("兽药",), ("兽药经营",)),
    (("种子",), ("种子生产经营",)),
    (("养猪", "养鸡", "养鸭", "养牛", "养羊", "养殖"), ("动物防疫", "养殖场")),
    (("口罩", "血压计", "体温计", "医疗器械", "验孕"), ("医疗器械",)),
    (("电子秤", "秤", "加油机"), ("计量器具", "强制检定")),
    (("电梯", "锅炉", "叉车", "压力容器"), ("特种设备",)),
    # 证件、户口
    (("身份证",), ("居民身份证",)),
    (("驾照", "驾驶本", "驾驶证"), ("驾驶证",)),
    (("户口本", "户籍"), ("户口",)),
    (("上户口", "报户口", "落户", "入户"), ("户口", "出生登记")),
    (("迁户口", "户口迁", "迁入", "迁到"), ("户口迁移",)),
    (("改名", "名字写错", "写错", "更正", "生日错"), ("变更更正",)),
    (("打工", "外地人", "务工", "外来", "租房住", "暂住"), ("居住证",)),
    (("续签", "签注", "到期"), ("签注", "换证")),
    (("无犯罪", "良民证", "政审"), ("无犯罪记录证明",)),
    (("公章", "刻章", "印章", "财务章"), ("公章刻制", "刻章")),
    (("丢了", "丢失", "掉了", "弄丢", "找不到", "遗失", "补办", "坏了"), ("补领", "补发", "遗失")),
    # 生育、教育、婚姻、养老、救助
    (("生孩子", "生小孩", "生宝宝", "怀孕", "生育", "二胎", "三胎", "二孩", "三孩", "要孩子"),
     ("生育登记", "出生医学证明", "出生登记")),
    (("宝宝", "新生儿", "婴儿", "刚出生", "孩子出生"), ("出生登记", "新生儿")),
    (("出生证",), ("出生医学证明",)),
    (("上学", "读书", "入学", "上小学", "上初中", "读小学", "读初中", "小学", "初中"), ("义务教育", "入学")),
    (("学费", "助学", "贫困生", "上不起学", "交不起"), ("资助", "困难学生", "学费减免")),
    (("结婚", "领证", "扯证", "结婚证"), ("结婚登记", "婚姻登记")),
    (("离婚",), ("婚姻登记",)),
    (("去世", "过世", "死亡", "丧事", "火化", "白事"), ("殡葬", "火化")),
    (("残疾",), ("残疾人",)),
    (("老人", "老年人", "八十岁", "80岁", "九十岁", "90岁", "百岁", "高龄"), ("高龄津贴", "老年人")),
    (("低保",), ("最低生活保障",)),
    (("困难", "过不下去", "大病", "急难", "揭不开锅"), ("临时救助", "救助")),
    (("孤寡", "五保", "没人照顾", "无儿无女", "没人养"), ("特困人员", "救助供养")),
    (("养老院", "敬老院", "托老所"), ("民办非企业", "养老院")),
    (("商会", "协会", "社团", "联合会", "联谊会"), ("社会团体",)),
    # 社保、就业
    (("社保",), ("社会保险", "社会保障")),
    (("社保卡",), ("社会保障卡",)),
    (("养老金", "退休金", "退休"), ("养老保险", "退休", "待遇")),
    (("失业金", "失业", "下岗", "辞退", "裁员", "被开除", "没工作", "丢了工作"), ("失业保险金", "失业")),
    (("工伤", "受伤", "摔伤", "砸伤", "出事故", "职业病"), ("工伤认定",)),
    (("社保+转", "换+城市", "异地+社保", "异地+养老"), ("社保转移", "养老保险转移")),
    (("员工", "职工", "招人", "雇人"), ("职工参保", "单位参保")),
    (("农村", "农民", "居民养老"), ("城乡居民", "居民养老")),
    (("创业", "贴息", "小额贷款"), ("创业担保贷款", "创业贷款")),
    (("失业登记", "就业登记", "找工作"), ("就业创业证",)),
    # 房、地、建设
    (("房产证", "房本", "房产", "房子", "房屋", "买房", "卖房", "二手房"), ("不动产",)),
    (("过户",), ("转移登记", "不动产", "过户")),
    (("新房", "交房", "期房", "商品房", "开发商"), ("新建商品房", "商品房")),
    (("解押", "还清", "还完", "结清贷款"), ("抵押注销",)),
    (("房贷", "抵押", "贷款"), ("抵押登记", "抵押")),
    (("继承", "遗产", "遗嘱"), ("继承",)),
    (("名下", "几套房", "查房产", "查房"), ("不动产登记资料查询",)),
    (("买房交税", "交什么税", "购房税", "买房税", "交税"), ("契税",)),
    (("退税", "个税", "工资税"), ("个人所得税", "汇算清缴")),
    (("开发票", "领发票", "开票", "发票"), ("发票申领", "发票")),
    (("免税", "减税", "税收优惠", "减免"), ("税收优惠",)),
    (("完税证明", "纳税证明", "交税证明", "纳税记录"), ("完税证明",)),
    (("税务报到", "税务登记", "报税"), ("纳税人登记",)),
    (("盖房", "建房", "翻建", "自建房", "修房子", "起房子", "翻新房子"), ("宅基地", "农村建房", "乡村建设规划")),
    (("公租房", "廉租房", "保障房", "租房补贴"), ("公租房", "住房保障")),
    (("出租房", "租出去", "房东", "租给"), ("租赁登记备案", "出租房屋")),
    (("维修基金", "维修资金", "大修"), ("住宅专项维修资金",)),
    (("开工", "施工许可", "盖楼", "建楼"), ("施工许可",)),
    (("预售", "卖楼", "楼盘"), ("商品房预售",)),
    (("竣工", "验收"), ("竣工验收",)),
    (("消防",), ("消防",)),
    (("招牌", "门头", "店招", "广告牌", "灯箱", "牌匾"), ("户外广告",)),
    (("装修垃圾", "建筑垃圾", "渣土"), ("建筑垃圾",)),
    (("砍树", "砍掉", "树木", "修剪树", "挪树", "移树"), ("砍伐", "树木")),
    (("摆摊", "地摊", "夜市", "流动摊", "小吃摊", "路边摊"), ("临时占道经营", "摆摊")),
    (("挖路", "挖马路", "挖开", "占道", "铺管", "围挡"), ("临时占用城市道路", "道路挖掘")),
    (("打+井", "挖+井", "水井", "地下水", "抽水"), ("取水许可",)),
    (("晚上施工", "夜间施工", "夜里施工", "晚上干活", "夜里干活", "通宵", "赶工", "夜间"), ("夜间作业", "夜间施工")),
    (("环评",), ("环境影响评价",)),
    (("排污", "污水", "废水", "废气", "排放"), ("排污许可", "污水")),
    (("演唱会", "演出", "晚会", "音乐节", "庙会", "活动"), ("营业性演出", "大型群众性活动")),
    (("码头", "河边", "河道", "桥"), ("河道管理范围",)),
    (("收割机", "拖拉机", "农机"), ("拖拉机", "联合收割机")),
    (("种粮", "种地", "耕地", "种田"), ("耕地地力保护补贴",)),
)

_PUNCT = re.compile(r"[^\w]+", re.UNICODE)
_MEANINGFUL = re.compile(r"[0-9a-z\u3400-\u9fff]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_PAREN = re.compile(r"[（(]([^）)]*)[）)]")


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), lower case, runs of spaces and punctuation to one space."""
    return " ".join(_PUNCT.sub(" ", unicodedata.normalize("NFKC", text or "").lower()).split())


# ---------------------------------------------------------------------------------------------------
# Tokenizer: our own jieba instance with the domain dictionary, sharing the stock dictionary's loading.

_tokenizer: jieba.Tokenizer | None = None
_tokenizer_lock = threading.Lock()
_added_words: set[str] = set()


def tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer with the domain words; the stock dictionary is read once per process.

    It starts from a copy of the global instance's word frequencies (the global one loads the
    dictionary, about a second, and is shared with the classifier) so that adding our words never
    changes how the classifier segments.
    """
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                jieba.dt.check_initialized()
                tk = jieba.Tokenizer()
                tk.FREQ = dict(jieba.dt.FREQ)
                tk.total = jieba.dt.total
                tk.initialized = True
                words = [*DOMAIN_WORDS, *(p for triggers, _terms in SYNONYMS for t in triggers for p in t.split("+"))]
                _add_words(tk, words)
                _tokenizer = tk
    return _tokenizer


def _add_words(tk: jieba.Tokenizer, words: Iterable[str]) -> None:
    for word in words:
        word = normalize(word).replace(" ", "")
        if 2 <= len(word) <= 8 and word not in _added_words and _CJK.search(word):
            tk.add_word(word)
            _added_words.add(word)


def tokenize(text: str) -> list[str]:
    """Search-mode words of ``text`` (a word and its 2–3 character sub-words), without stop words."""
    tk = tokenizer()
    out: list[str] = []
    for chunk in normalize(text).split():
        for word in tk.cut_for_search(chunk, HMM=False):
            if len(word) >= 2 and word not in STOPWORDS:
                out.append(word)
    return out


# ---------------------------------------------------------------------------------------------------
# The index


@dataclass(frozen=True)
class IndexedItem:
    item_id: int
    code: str
    name: str
    department_code: str
    applicant_scope: str
    kind: str = "item"  # or "package": a 一件事 package, ranked with the items, answered apart

def _phrases(keywords: str, name: str) -> list[str]:
    """Whole phrases of an item that a question may contain verbatim: keywords, name, name parts."""
    found = [normalize(k).replace(" ", "") for k in (keywords or "").split()]
    plain_name = _PAREN.sub("", name)
    found += [normalize(plain_name).replace(" ", ""), *(normalize(p).replace(" ", "") for p in _PAREN.findall(name))]
    return [p for p in dict.fromkeys(found) if len(p) >= 2]


class GuideIndex:
    """BM25F postings over the active items: term → [(item position, saturated-ready tf)]."""

    def __init__(self, rows: Sequence[dict[str, Any]], *, signature: tuple = ()) -> None:
        self.signature = signature
        self.built_at = time.monotonic()
        self.items: list[IndexedItem] = []
        fields_per_doc: list[dict[str, Counter[str]]] = []
        phrase_set: set[str] = set()
        tk = tokenizer()
        _add_words(tk, (p for row in rows for p in _phrases(row["keywords"], row["name"])))
        for row in rows:
            phrases = _phrases(row["keywords"], row["name"])
            phrase_set.update(phrases)
            fields = {
                "name": Counter(tokenize(row["name"])),
                "keywords": Counter(tokenize(row["keywords"]) + phrases),
                "conditions": Counter(tokenize(row["conditions"])),
                "materials": Counter(tokenize(" ".join(row["materials"]))),
                "basis": Counter(tokenize(row["legal_basis"])),
                "department": Counter(tokenize(row["department_name"])),
            }
            fields_per_doc.append(fields)
            self.items.append(IndexedItem(row["id"], row["code"], row["name"], row["department_code"],
                                          row["applicant_scope"], row.get("kind", "item")))
        self.phrases = sorted(phrase_set, key=len, reverse=True)
        n = len(self.items)
        avg = {f: (sum(sum(d[f].values()) for d in fields_per_doc) / n if n else 0.0) or 1.0 for f in FIELD_WEIGHTS}
        pseudo_tf: dict[str, dict[int, float]] = defaultdict(dict)
        subject_df: Counter[str] = Counter()
        for pos, fields in enumerate(fields_per_doc):
            for f, counts in fields.items():
                length = sum(counts.values())
                norm = 1 - FIELD_B[f] + FIELD_B[f] * length / avg[f]
                for term, tf in counts.items():
                    pseudo_tf[term][pos] = pseudo_tf[term].get(pos, 0.0) + FIELD_WEIGHTS[f] * tf / norm
            subject_df.update({t for f in IDF_FIELDS for t in fields[f]})
        # A term's rarity is counted over what items are about (IDF_FIELDS), not over the boilerplate
        # nearly every item carries: 申请人居民身份证 among the materials made 身份证 worthless, and
        # "身份证丢了" ranked 补领婚姻登记证 above 居民身份证补领.
        self.idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5))
                    for t, p in pseudo_tf.items() for df in [subject_df.get(t) or len(p)]}
        self.postings = {t: [(pos, tf * (K1 + 1) / (K1 + tf)) for pos, tf in p.items()] for t, p in pseudo_tf.items()}

    def __len__(self) -> int:
        return len(self.items)

    def phrases_in(self, text: str) -> list[str]:
        """Item keywords and names that occur verbatim in ``text`` (normalised, spaces removed)."""
        compact = text.replace(" ", "")
        return [p for p in self.phrases if p in compact]

    def score(self, terms: dict[str, float]) -> list[tuple[int, float, list[str]]]:
        """(item position, score, matched terms by contribution) for every item matching a term, best first."""
        scores: dict[int, float] = defaultdict(float)
        contributions: dict[int, dict[str, float]] = defaultdict(dict)
        for term, weight in terms.items():
            idf = self.idf.get(term)
            if idf is None:
                continue
            for pos, tf in self.postings[term]:
                s = weight * idf * tf
                scores[pos] += s
                contributions[pos][term] = s
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], self.items[kv[0]].code))
        return [(pos, s, sorted(contributions[pos], key=lambda t: -contributions[pos][t])) for pos, s in ranked]


def package_rows() -> list[dict[str, Any]]:
    """The active 一件事 packages as documents: name and keywords as an item's, the summary and guide
    as its 受理条件, the member items' names as its materials (a package is found by what it bundles)."""
    rows = []
    for package in LifeEventPackage.objects.filter(is_active=True).prefetch_related("members__item").order_by("id"):
        rows.append({
            "id": package.pk, "code": package.code, "name": package.name, "keywords": package.keywords,
            "conditions": f"{package.summary} {package.guide}", "legal_basis": "", "applicant_scope": "both",
            "department_code": "", "department_name": "", "kind": "package",
            "materials": [m.item.name for m in package.members.all()],
        })
    return rows


def catalogue_rows() -> list[dict[str, Any]]:
    """What the index reads of every active item (two queries) and of every package."""
    items = list(ServiceItem.objects.filter(is_active=True).order_by("id").values(
        "id", "code", "name", "keywords", "conditions", "legal_basis", "applicant_scope",
        department_code=F("department__code"), department_name=F("department__name")))
    materials: dict[int, list[str]] = defaultdict(list)
    for item_id, name in Material.objects.filter(item__is_active=True).order_by("item_id", "sort_order", "id").values_list(
            "item_id", "name"):
        materials[item_id].append(name)
    rows: list[dict[str, Any]] = [{**row, "materials": materials.get(row["id"], [])} for row in items]
    return rows + package_rows()


def catalogue_signature() -> tuple:
    """A cheap fingerprint of what the index reads: counts, highest ids and length checksums.

    One hand-written query (the ORM's expression compiler costs more than the query itself, and this
    runs before every search); ``LENGTH`` counts characters on SQLite and PostgreSQL alike.
    """
    item, material = ServiceItem._meta, Material._meta
    package, member = LifeEventPackage._meta, PackageMember._meta
    qn = connection.ops.quote_name

    def col(meta: Any, name: str) -> str:
        return qn(meta.get_field(name).column)

    length = " + ".join(f"{k} * LENGTH({col(item, f)})" for k, f in
                        ((1, "name"), (3, "keywords"), (7, "conditions"), (11, "legal_basis")))
    sql = (
        f"SELECT COUNT(*), SUM(CASE WHEN {col(item, 'is_active')} THEN 1 ELSE 0 END), MAX({col(item, 'id')}), "
        f"SUM({col(item, 'id')} * ({length})), SUM({col(item, 'id')} * {col(item, 'department')}), "
        f"(SELECT COUNT(*) FROM {qn(material.db_table)}), (SELECT MAX({col(material, 'id')}) FROM {qn(material.db_table)}), "
        f"(SELECT SUM({col(material, 'item')} * LENGTH({col(material, 'name')})) FROM {qn(material.db_table)}), "
        f"(SELECT COUNT(*) FROM {qn(package.db_table)}), (SELECT MAX({col(package, 'id')}) FROM {qn(package.db_table)}), "
        f"(SELECT SUM({col(package, 'id')} * (LENGTH({col(package, 'name')}) + 3 * LENGTH({col(package, 'keywords')}) "
        f"+ 7 * LENGTH({col(package, 'summary')}) + (CASE WHEN {col(package, 'is_active')} THEN 11 ELSE 0 END))) "
        f"FROM {qn(package.db_table)}), "
        f"(SELECT COUNT(*) FROM {qn(member.db_table)}), (SELECT SUM({col(member, 'package')} * {col(member, 'item')}) "
        f"FROM {qn(member.db_table)}) "
        f"FROM {qn(item.db_table)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return tuple(int(v or 0) for v in row)


_index: GuideIndex | None = None
_index_lock = threading.Lock()


def current_index() -> GuideIndex:
    """The process's index, rebuilt when the catalogue's signature changed or it grew too old."""
    global _index
    signature = catalogue_signature()
    index = _index
    if index is not None and index.signature == signature and time.monotonic() - index.built_at < INDEX_MAX_AGE_S:
        return index
    with _index_lock:
        index = _index
        if index is None or index.signature != signature or time.monotonic() - index.built_at >= INDEX_MAX_AGE_S:
            started = time.monotonic()
            index = GuideIndex(catalogue_rows(), signature=signature)
            logger.info("guide index built: %d items in %.0f ms", len(index), (time.monotonic() - started) * 1000)
            _index = index
    return index


def invalidate_index() -> None:
    """Forget this process's index (the next search rebuilds it)."""
    global _index
    _index = None


# ---------------------------------------------------------------------------------------------------
# The search


@dataclass(frozen=True)
class GuideHit:
    item: ServiceItem
    score: float
    matched_terms: list[str]


@dataclass(frozen=True)
class PackageHit:
    package: LifeEventPackage
    score: float
    matched_terms: list[str]


@dataclass
class GuideAnswer:
    query: str
    terms: list[str] = field(default_factory=list)
    expansions: list[str] = field(default_factory=list)
    hits: list[GuideHit] = field(default_factory=list)
    packages: list[PackageHit] = field(default_factory=list)  # 一件事 packages that answer the question
    count: int = 0
    reason: str | None = None  # why there are no hits: empty, too_short, no_terms, no_chinese_text, no_match
    message: str | None = None
    truncated: bool = False


def expand(text: str) -> list[str]:
    """The catalogue terms that SYNONYMS adds for the normalised question ``text``."""
    compact = text.replace(" ", "")
    terms: list[str] = []
    for triggers, expansions in SYNONYMS:
        if any(all(part in compact for part in t.split("+")) for t in triggers):
            terms.extend(expansions)
    return list(dict.fromkeys(terms))


def query_terms(text: str, index: GuideIndex, *, synonyms: bool = True) -> tuple[dict[str, float], list[str], list[str]]:
    """Weighted terms of a question: its words, item phrases found in it, and synonym expansions."""
    words = tokenize(text)
    terms: dict[str, float] = {}
    for w in words:
        terms[w] = max(terms.get(w, 0.0), QUESTION_WEIGHT)
    for p in index.phrases_in(text):
        terms[p] = max(terms.get(p, 0.0), PHRASE_WEIGHT)
    expansions = expand(text) if synonyms else []
    for e in expansions:
        # a long compound (个体工商户) is many search-mode sub-words; together they weigh as one term
        parts = list(dict.fromkeys([*tokenize(e), normalize(e).replace(" ", "")]))
        for w in parts:
            terms.setdefault(w, EXPANSION_WEIGHT / math.sqrt(len(parts)))
    return terms, list(dict.fromkeys(words)), expansions


def guide_search(q: str, *, department_code: str = "", applicant_kind: str = "", limit: int = 10, offset: int = 0,
                 synonyms: bool = True) -> GuideAnswer:
    """The items that answer a citizen's question, best first, with scores and matched terms.

    Never raises for what a person can type: an empty, too short, foreign or punctuation-only
    question gets no hits and a ``reason`` with a message saying what to do instead.
    """
    raw = q or ""
    answer = GuideAnswer(query=raw[:MAX_QUERY_CHARS], truncated=len(raw) > MAX_QUERY_CHARS)
    text = normalize(raw[:MAX_QUERY_CHARS])
    meaningful = len(_MEANINGFUL.findall(text))
    if not raw.strip():
        return _no_hits(answer, "empty", _("请用一句话描述您要办的事，例如“我要开一家饭店需要办什么”。"))
    if meaningful == 0:
        return _no_hits(answer, "no_terms", _("没有看懂这句话：请用文字描述您要办的事，例如“社保卡丢了怎么补办”。"))
    if meaningful < MIN_QUERY_CHARS:
        return _no_hits(answer, "too_short", _("请多说几个字，例如“想开个理发店”“孩子上小学要办什么”。"))
    index = current_index()
    terms, answer.terms, answer.expansions = query_terms(text, index, synonyms=synonyms)
    scored = index.score(terms)
    ranked = [r for r in scored if index.items[r[0]].kind == "item"]
    packages = [r for r in scored if index.items[r[0]].kind == "package"]
    if department_code:
        ranked = [r for r in ranked if index.items[r[0]].department_code == department_code]
    if applicant_kind:
        ranked = [r for r in ranked if index.items[r[0]].applicant_scope in (applicant_kind, "both")]
    if ranked:
        best = ranked[0][1]
        ranked = [r for r in ranked if r[1] >= RELATIVE_CUTOFF * best]
    answer.count = len(ranked)
    if not ranked:
        if not _CJK.search(text):
            return _no_hits(answer, "no_chinese_text", _("目前只能理解中文提问，请用中文描述您要办的事，例如“我要开一家饭店”。"))
        return _no_hits(answer, "no_match", _("没有找到相关事项。可以换个说法，或到办事大厅按部门查找。"))
    if not department_code and offset == 0:
        # a package is shown when it answers about as well as the best item: "家里老人去世了" is the
        # 身故 package, "身份证丢了" is no package at all
        packages = [r for r in packages if r[1] >= PACKAGE_CUTOFF * ranked[0][1]][:MAX_PACKAGES]
        by_pk = LifeEventPackage.objects.in_bulk([index.items[pos].item_id for pos, _s, _m in packages])
        answer.packages = [PackageHit(package=by_pk[index.items[pos].item_id], score=round(s, 4),
                                      matched_terms=readable(matched)[:8])
                           for pos, s, matched in packages if index.items[pos].item_id in by_pk]
    page = ranked[offset: offset + limit]
    by_id = ServiceItem.objects.select_related("department").in_bulk([index.items[pos].item_id for pos, _s, _m in page])
    answer.hits = [GuideHit(item=by_id[index.items[pos].item_id], score=round(s, 4), matched_terms=readable(matched)[:8])
                   for pos, s, matched in page if index.items[pos].item_id in by_id]
    return answer


def readable(matched: list[str]) -> list[str]:
    """Matched terms for people: a sub-word (工商) is left out when a longer matched term (个体工商户) holds it."""
    return [t for t in matched if not any(t != other and t in other for other in matched)]


def _no_hits(answer: GuideAnswer, reason: str, message: str) -> GuideAnswer:
    answer.reason = reason
    answer.message = message
    answer.hits = []
    return answer
