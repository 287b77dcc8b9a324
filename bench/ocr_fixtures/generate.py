"""The OCR benchmark's test set, rendered deterministically with Pillow from a seed.

Layouts: resident ID cards (a photo of the front; a photocopy page with front and back), business
licences (营业执照), food business permits (食品经营许可证), and application forms for a person and
for an organisation (table grid, filled-in values). Each sample has its ground truth (the fields
pre-review should read) and the case data it is checked against, with planted anomalies (a wrong
check digit, an expired validity, a case naming someone else) and so the findings expected.

Each sample renders clean (PNG) and degraded (rotation, blur, sensor noise, uneven light, lower
resolution, JPEG compression), with Chinese text in fonts from Debian packages:

    fonts-noto-cjk fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai fonts-dejavu-core
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

from yiwang.core.ids import citizen_id_check_digit, uscc_check_char

TODAY = dt.date(2026, 11, 29)  # the benchmark's "today" for expiry, fixed so results do not drift

FONT_FILES: dict[str, tuple[str, int, str]] = {
    # name: (path, index in the collection, Debian package)
    "noto-sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, "fonts-noto-cjk"),
    "noto-sans-bold": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2, "fonts-noto-cjk"),
    "noto-serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2, "fonts-noto-cjk"),
    "noto-serif-bold": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2, "fonts-noto-cjk"),
    "wqy-zenhei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "fonts-wqy-zenhei"),
    "ar-uming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0, "fonts-arphic-uming"),
    "ar-ukai": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0, "fonts-arphic-ukai"),
    "dejavu-mono": ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 0, "fonts-dejavu-core"),
}
BODY_FONTS = ["noto-sans", "noto-serif", "wqy-zenhei", "ar-uming"]
HAND_FONTS = ["ar-ukai", "wqy-zenhei", "noto-sans"]


def missing_font_packages() -> list[str]:
    return sorted({pkg for path, _i, pkg in FONT_FILES.values() if not Path(path).exists()})


_font_cache: dict[tuple[str, int], Any] = {}


def font(name: str, size: int) -> Any:
    key = (name, size)
    if key not in _font_cache:
        path, index, _pkg = FONT_FILES[name]
        _font_cache[key] = ImageFont.truetype(path, size, index=index)
    return _font_cache[key]


# ---------------------------------------------------------------------------------------------
# Realistic values

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆汪范金石廖贾韦夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤")
COMPOUND_SURNAMES = ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "慕容"]
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉文辉鹏飞婷雪梅琳晨宇浩然子轩梓涵欣怡思远佳琪"
             "嘉诚俊杰雨萱一诺博文家豪晓东春燕海峰振宇天佑慧敏若曦宏亮德兴永福金凤秋菊冬梅立新卫东建华志强")
MINORITY_NAMES = ["买买提·艾力", "阿依古丽·吐尔逊", "古丽娜尔·买买提", "热合曼·阿不都"]
REGIONS = [
    ("330106", "浙江省杭州市西湖区"), ("330102", "浙江省杭州市上城区"), ("330226", "浙江省宁波市宁海县"),
    ("330381", "浙江省温州市瑞安市"), ("110101", "北京市东城区"), ("310104", "上海市徐汇区"),
    ("320102", "江苏省南京市玄武区"), ("440305", "广东省深圳市南山区"), ("510104", "四川省成都市锦江区"),
    ("420106", "湖北省武汉市武昌区"), ("370102", "山东省济南市历下区"), ("610113", "陕西省西安市雁塔区"),
    ("350203", "福建省厦门市思明区"), ("430104", "湖南省长沙市岳麓区"), ("530102", "云南省昆明市五华区"),
]
STREETS = ["文三路", "解放路", "人民路", "中山北路", "建设大道", "学院路", "体育场路", "滨江大道", "环城西路", "桃源街",
           "跃进路", "复兴路", "新华街", "和平里", "青年路", "长江路"]
VILLAGES = ["前童镇梁皇村", "桥头胡街道", "城关镇东门村", "西店镇", "长街镇", "岔路镇湖头村"]
BRANDS = ["鑫源", "恒达", "华越", "锦程", "万象", "宏泰", "联创", "佳禾", "盛世", "瑞丰", "天宇", "金桥", "云帆", "青山",
          "东方红", "百味轩", "老街坊", "禾丰", "远景", "新纪元"]
INDUSTRIES = ["科技", "餐饮管理", "贸易", "建材", "食品", "电子商务", "物流", "文化传媒", "农业开发", "信息技术", "机械制造",
              "建筑工程", "商贸", "医药", "环保科技"]
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司"]
SHOP_TYPES = ["小吃店", "便利店", "餐馆", "水果店", "理发店", "五金店", "面馆", "茶叶店"]
ORG_TYPES = ["有限责任公司(自然人投资或控股)", "有限责任公司(自然人独资)", "股份有限公司(非上市)", "个体工商户"]
SCOPES = [
    "一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；软件开发；信息系统集成服务。",
    "许可项目：食品经营；餐饮服务。一般项目：食品销售（仅销售预包装食品）；日用百货销售。",
    "一般项目：建筑材料销售；五金产品零售；金属材料销售；货物进出口；技术进出口。",
    "一般项目：农产品的生产、销售、加工、运输、贮藏及其他相关服务；初级农产品收购；农业机械服务。",
]
AUTHORITIES = ["宁海县市场监督管理局", "西湖区市场监督管理局", "瑞安市市场监督管理局", "玄武区市场监督管理局"]
POLICE = ["宁海县公安局", "杭州市公安局西湖分局", "北京市公安局东城分局", "深圳市公安局南山分局", "成都市公安局锦江区分局"]
NATIONS = ["汉", "汉", "汉", "汉", "回", "满", "壮", "苗", "维吾尔", "土家", "彝", "蒙古", "藏"]


def person_name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.02:
        return rng.choice(MINORITY_NAMES)
    surname = rng.choice(COMPOUND_SURNAMES) if r < 0.06 else rng.choice(SURNAMES)
    return surname + "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.35 else 2))


def citizen_id(rng: random.Random, *, valid: bool = True) -> tuple[str, dt.date, str]:
    code, region = rng.choice(REGIONS)
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 55))
    first17 = f"{code}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    check = citizen_id_check_digit(first17)
    if not valid:
        check = rng.choice([c for c in "0123456789X" if c != check])
    return first17 + check, birth, region


def uscc(rng: random.Random, *, valid: bool = True) -> str:
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    code, _region = rng.choice(REGIONS)
    head = rng.choice(["91", "92", "93", "12"])
    first17 = head + code + "".join(rng.choice(charset) for _ in range(9))
    check = uscc_check_char(first17)
    if not valid:
        check = rng.choice([c for c in charset if c != check])
    return first17 + check


def company_name(rng: random.Random, region: str) -> str:
    city = region.split("省")[-1].split("市")[0] if "市" in region else region[:2]
    return f"{city}{rng.choice(BRANDS)}{rng.choice(INDUSTRIES)}{rng.choice(SUFFIXES)}"


def shop_name(rng: random.Random, region: str) -> str:
    district = region[-3:-1] if region.endswith(("区", "县")) else region[:2]
    return f"{district}{rng.choice(BRANDS)}{rng.choice(SHOP_TYPES)}"


def address(rng: random.Random, region: str) -> str:
    if rng.random() < 0.3:
        return f"{region}{rng.choice(VILLAGES)}{rng.randrange(1, 300)}号"
    return f"{region}{rng.choice(STREETS)}{rng.randrange(1, 999)}号"


def some_date(rng: random.Random, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(0, days))


def cn_date(d: dt.date, *, pad: bool = True) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日" if pad else f"{d.year}年{d.month}月{d.day}日"


def validity_end(rng: random.Random, *, expired: bool, long_term_share: float = 0.0) -> tuple[dt.date, str]:
    """(start, end) where end is an ISO date or 长期; expired ends fall before TODAY."""
    if not expired and rng.random() < long_term_share:
        return some_date(rng, dt.date(2006, 1, 1), 365 * 15), "长期"
    if expired:
        end = TODAY - dt.timedelta(days=rng.randrange(1, 900))
    else:
        end = TODAY + dt.timedelta(days=rng.randrange(1, 365 * 18))
    years = rng.choice([5, 10, 20])
    try:
        start = end.replace(year=end.year - years)
    except ValueError:  # 29 February
        start = end.replace(year=end.year - years, day=28)
    return start, end.isoformat()


# ---------------------------------------------------------------------------------------------
# Samples


@dataclass
class Sample:
    id: str
    layout: str
    profile: str  # pre-review profile key
    truth: dict[str, str]  # field → value the document shows
    expected: dict[str, str]  # what the case says (Expected fields)
    anomalies: set[tuple[str, str]] = field(default_factory=set)  # (finding kind, field)
    render: Callable[[], Image.Image] = field(repr=False, default=lambda: Image.new("RGB", (1, 1)))
    seed: int = 0
    font: str = ""


def _expected_person(rng: random.Random, name: str, idn: str, anomalies: set[tuple[str, str]]) -> dict[str, str]:
    exp = {"name": name, "citizen_id": idn}
    if rng.random() < 0.10:  # the case names someone else
        other = person_name(rng)
        while other == name:
            other = person_name(rng)
        exp["name"] = other
        anomalies.add(("field_mismatch", "name"))
    return exp


def _pattern(draw: ImageDraw.ImageDraw, w: int, h: int, rng: random.Random, colour: tuple[int, int, int]) -> None:
    """Faint guilloche-like waves, as security printing has."""
    phase = rng.random() * 6
    for k in range(0, h, 9):
        pts = [(x, k + 4 * math.sin(x / 23 + phase + k / 40)) for x in range(0, w, 6)]
        draw.line(pts, fill=colour, width=1)


def _text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], s: str, f: Any, fill: Any = (20, 20, 20)) -> None:
    draw.text(xy, s, font=f, fill=fill)


def _spaced(label: str, width: int = 4) -> str:
    """名称 → 名　　称 (labels padded with ideographic spaces, as certificates print them)."""
    if len(label) >= width or len(label) < 2:
        return label
    gaps = len(label) - 1
    spaces = width - len(label)
    out = ""
    for i, ch in enumerate(label):
        out += ch
        if i < gaps:
            out += "\u3000" * (spaces // gaps + (1 if i < spaces % gaps else 0))
    return out


def _wrap(s: str, n: int) -> list[str]:
    return [s[i:i + n] for i in range(0, len(s), n)] or [""]


def render_id_front(rng: random.Random, d: dict[str, Any], fnt: str) -> Image.Image:
    w, h = 856, 540
    img = Image.new("RGB", (w, h), (236, 242, 246))
    draw = ImageDraw.Draw(img)
    _pattern(draw, w, h, rng, (214, 226, 236))
    label_f, value_f = font(fnt, 24), font(fnt, 28)
    blue = (70, 110, 150)
    _text(draw, (50, 48), "姓名", label_f, blue)
    _text(draw, (140, 45), d["name"], value_f)
    _text(draw, (50, 108), "性别", label_f, blue)
    _text(draw, (140, 105), d["sex"], value_f)
    _text(draw, (260, 108), "民族", label_f, blue)
    _text(draw, (345, 105), d["nation"], value_f)
    _text(draw, (50, 168), "出生", label_f, blue)
    b = d["birth"]
    _text(draw, (140, 165), f"{b.year}  年  {b.month}  月  {b.day}  日", value_f)
    _text(draw, (50, 228), "住址", label_f, blue)
    for i, part in enumerate(_wrap(d["address"], 12)[:3]):
        _text(draw, (140, 225 + i * 40), part, value_f)
    _text(draw, (50, 430), "公民身份号码", label_f, blue)
    _text(draw, (250, 424), d["citizen_id"], font("dejavu-mono" if rng.random() < 0.5 else fnt, 32))
    # photo
    draw.rectangle((600, 70, 800, 330), fill=(228, 232, 236))
    draw.ellipse((650, 110, 750, 220), fill=(150, 150, 155))
    draw.pieslice((620, 220, 780, 400), 180, 360, fill=(120, 120, 128))
    return img


def render_id_back(rng: random.Random, d: dict[str, Any], fnt: str) -> Image.Image:
    w, h = 856, 540
    img = Image.new("RGB", (w, h), (238, 242, 240))
    draw = ImageDraw.Draw(img)
    _pattern(draw, w, h, rng, (216, 230, 222))
    draw.ellipse((60, 50, 190, 180), outline=(200, 60, 50), width=6)
    draw.regular_polygon((125, 115, 35), 5, fill=(200, 60, 50))
    title_f = font("noto-serif-bold", 44)
    _text(draw, (280, 60), "中华人民共和国", title_f)
    _text(draw, (300, 150), "居民身份证", font("noto-serif-bold", 56))
    label_f, value_f = font(fnt, 24), font(fnt, 28)
    _text(draw, (120, 360), "签发机关", label_f, (70, 90, 90))
    _text(draw, (260, 357), d["authority"], value_f)
    _text(draw, (120, 430), "有效期限", label_f, (70, 90, 90))
    start, end = d["valid_from"], d["valid_until"]
    end_s = end if end == "长期" else dt.date.fromisoformat(end).strftime("%Y.%m.%d")
    _text(draw, (260, 427), f"{start:%Y.%m.%d}-{end_s}", value_f)
    return img


def _on_table(card: Image.Image, rng: random.Random) -> Image.Image:
    """A photo of a card lying on a desk."""
    margin = rng.randrange(40, 140)
    desk = tuple(rng.randrange(60, 170) for _ in range(3))
    out = Image.new("RGB", (card.width + 2 * margin, card.height + 2 * margin), desk)
    mask = Image.new("L", card.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, card.width - 1, card.height - 1), radius=30, fill=255)
    out.paste(card, (margin, margin), mask)
    return out


def id_card_sample(i: int, rng: random.Random, *, copy: bool) -> Sample:
    fnt = rng.choice(BODY_FONTS)
    valid_id = rng.random() >= 0.08
    idn, birth, region = citizen_id(rng, valid=valid_id)
    name = person_name(rng)
    anomalies: set[tuple[str, str]] = set()
    if not valid_id:
        anomalies.add(("invalid_check_digit", "citizen_id"))
    expired = rng.random() < 0.15
    valid_from, valid_until = validity_end(rng, expired=expired, long_term_share=0.1)
    if expired and copy:  # only the back shows the validity; a photo of the front cannot tell
        anomalies.add(("expired", "valid_until"))
    d = {
        "name": name, "sex": rng.choice("男女"), "nation": rng.choice(NATIONS), "birth": birth,
        "address": address(rng, region), "citizen_id": idn, "authority": rng.choice(POLICE),
        "valid_from": valid_from, "valid_until": valid_until,
    }
    truth = {"name": name, "citizen_id": idn}
    expected = _expected_person(rng, name, idn, anomalies)
    seed = rng.randrange(1 << 30)

    if copy:
        truth["valid_until"] = valid_until

        def render() -> Image.Image:
            r = random.Random(seed)
            page = Image.new("RGB", (1240, 1754), (252, 252, 250))
            front, back = render_id_front(r, d, fnt), render_id_back(r, d, fnt)
            s = r.uniform(0.9, 1.1)
            front = front.resize((int(856 * s), int(540 * s)))
            back = back.resize((int(856 * s), int(540 * s)))
            x = (1240 - front.width) // 2 + r.randrange(-40, 40)
            page.paste(front, (x, 160 + r.randrange(0, 60)))
            page.paste(back, (x, 860 + r.randrange(0, 60)))
            draw = ImageDraw.Draw(page)
            _text(draw, (700, 1560), "此复印件与原件一致", font("ar-ukai", 34), (30, 30, 120))
            return page.convert("L").convert("RGB") if r.random() < 0.5 else page
    else:
        def render() -> Image.Image:
            r = random.Random(seed)
            return _on_table(render_id_front(r, d, fnt), r)

    return Sample(f"{i:04d}", "id_card_copy" if copy else "id_card_photo", "id_card", truth, expected,
                  anomalies, render, seed, fnt)


def business_licence_sample(i: int, rng: random.Random) -> Sample:
    fnt = rng.choice(BODY_FONTS)
    code, region = rng.choice(REGIONS)
    individual = rng.random() < 0.2
    name = shop_name(rng, region) if individual else company_name(rng, region)
    valid = rng.random() >= 0.06
    code18 = uscc(rng, valid=valid)
    rep = person_name(rng)
    founded = some_date(rng, dt.date(2005, 1, 1), 365 * 20)
    expired = rng.random() < 0.12
    anomalies: set[tuple[str, str]] = set()
    if not valid:
        anomalies.add(("invalid_check_digit", "uscc"))
    if expired:
        end = TODAY - dt.timedelta(days=rng.randrange(1, 700))
        term = f"{cn_date(founded)}至{cn_date(end)}"
        valid_until = end.isoformat()
        anomalies.add(("expired", "valid_until"))
    elif rng.random() < 0.6:
        term, valid_until = f"{cn_date(founded)}至长期", "长期"
    else:
        end = founded.replace(year=founded.year + 30) - dt.timedelta(days=1)
        term, valid_until = f"{cn_date(founded)}至{cn_date(end)}", end.isoformat()
    truth = {"company_name": name, "uscc": code18, "legal_rep": rep, "valid_until": valid_until}
    expected = {"company_name": name, "uscc": code18, "legal_rep": rep}
    if rng.random() < 0.08:
        expected["company_name"] = company_name(rng, region)
        anomalies.add(("field_mismatch", "company_name"))
    rep_label = "经营者" if individual else "法定代表人"
    seed = rng.randrange(1 << 30)
    capital = f"{rng.choice([10, 50, 100, 200, 500, 1000])}万元人民币"

    def render() -> Image.Image:
        r = random.Random(seed)
        w, h = 1600, 1130
        img = Image.new("RGB", (w, h), (250, 248, 240))
        draw = ImageDraw.Draw(img)
        draw.rectangle((20, 20, w - 20, h - 20), outline=(170, 120, 60), width=10)
        draw.rectangle((38, 38, w - 38, h - 38), outline=(190, 150, 90), width=3)
        _text(draw, (560, 90), "营 业 执 照", font("noto-serif-bold", 88), (150, 30, 30))
        _text(draw, (710, 205), "（副      本）" if r.random() < 0.5 else "", font(fnt, 30))
        small = font(fnt, 26)
        _text(draw, (90, 110), "统一社会信用代码", small)
        _text(draw, (90, 150), code18, font("dejavu-mono" if r.random() < 0.4 else fnt, 30))
        draw.rectangle((1330, 90, 1500, 260), outline=(20, 20, 20), width=3)
        for _ in range(60):
            x, y = r.randrange(1340, 1480), r.randrange(100, 240)
            draw.rectangle((x, y, x + 10, y + 10), fill=(20, 20, 20))
        label_f, value_f = font(fnt, 28), font(fnt, 28)
        left = [("名称", name), ("类型", ORG_TYPES[3] if individual else r.choice(ORG_TYPES[:3])),
                (rep_label, rep)]
        y = 330
        for label, value in left:
            _text(draw, (110, y), _spaced(label), label_f)
            _text(draw, (290, y), value, value_f)
            y += 70
        _text(draw, (110, y), _spaced("经营范围"), label_f)
        for k, part in enumerate(_wrap(r.choice(SCOPES), 18)[:5]):
            _text(draw, (290, y + k * 44), part, font(fnt, 26))
        right = [("注册资本", capital), ("成立日期", cn_date(founded)), ("营业期限", term),
                 ("住所", address(r, region))]
        y = 330
        for label, value in right:
            _text(draw, (860, y), _spaced(label), label_f)
            if label == "营业期限" and len(value) > 17:
                # one smaller line, or wrapped after 至, as printers do
                parts = [value] if r.random() < 0.5 else [value[: value.index("至") + 1], value[value.index("至") + 1:]]
            else:
                parts = _wrap(value, 17)[:2]
            for k, part in enumerate(parts):
                _text(draw, (1040, y + k * 40), part, value_f if len(part) <= 17 else font(fnt, 22))
            y += 70 if len(parts) == 1 else 110
        _text(draw, (1020, 880), "登记机关", label_f)
        draw.ellipse((1180, 800, 1400, 1020), outline=(210, 40, 40), width=6)
        _text(draw, (1200, 890), r.choice(AUTHORITIES)[:7], font(fnt, 22), (210, 40, 40))
        issued = some_date(r, founded, 3000)
        _text(draw, (1120, 1030), cn_date(issued, pad=False), font(fnt, 30))
        return img

    return Sample(f"{i:04d}", "business_licence", "business_licence", truth, expected, anomalies, render, seed, fnt)


def permit_sample(i: int, rng: random.Random) -> Sample:
    fnt = rng.choice(BODY_FONTS)
    code, region = rng.choice(REGIONS)
    name = company_name(rng, region) if rng.random() < 0.7 else shop_name(rng, region)
    code18 = uscc(rng)
    rep = person_name(rng)
    number = f"JY{rng.choice([1, 2, 3])}{code}{rng.randrange(0, 10**7):07d}"
    expired = rng.random() < 0.15
    anomalies: set[tuple[str, str]] = set()
    if expired:
        end = TODAY - dt.timedelta(days=rng.randrange(1, 800))
        anomalies.add(("expired", "valid_until"))
    else:
        end = TODAY + dt.timedelta(days=rng.randrange(1, 365 * 5))
    truth = {"company_name": name, "uscc": code18, "licence_number": number, "valid_until": end.isoformat()}
    expected = {"company_name": name, "uscc": code18}
    if rng.random() < 0.08:
        expected["uscc"] = uscc(rng)
        anomalies.add(("field_mismatch", "uscc"))
    seed = rng.randrange(1 << 30)

    def render() -> Image.Image:
        r = random.Random(seed)
        w, h = 1130, 1600
        img = Image.new("RGB", (w, h), (252, 250, 246))
        draw = ImageDraw.Draw(img)
        draw.rectangle((25, 25, w - 25, h - 25), outline=(40, 90, 150), width=8)
        _text(draw, (260, 90), "食品经营许可证", font("noto-serif-bold", 80), (30, 60, 120))
        f = font(fnt, 30)
        rows = [("经营者名称", name), ("社会信用代码（身份证号码）", code18), ("法定代表人（负责人）", rep),
                ("住所", address(r, region)), ("经营场所", address(r, region)),
                ("主体业态", r.choice(["食品销售经营者", "餐饮服务经营者", "单位食堂"])),
                ("经营项目", r.choice(["预包装食品（含冷藏冷冻食品）销售", "热食类食品制售", "散装食品销售"]))]
        y = 260
        for label, value in rows:
            if len(label) > 6:
                _text(draw, (90, y), label, f)
                y += 48
                _text(draw, (140, y), value, f)
            else:
                _text(draw, (90, y), _spaced(label, 5), f)
                for k, part in enumerate(_wrap(value, 22)[:2]):
                    _text(draw, (330, y + k * 44), part, f)
                if len(value) > 22:
                    y += 44
            y += 80
        _text(draw, (90, y + 20), "许可证编号", f)
        _text(draw, (330, y + 20), number, font("dejavu-mono" if r.random() < 0.4 else fnt, 32))
        _text(draw, (90, y + 100), "有效期至", f)
        _text(draw, (330, y + 100), cn_date(end), f)
        _text(draw, (90, y + 180), "日常监督管理机构：" + r.choice(AUTHORITIES), font(fnt, 26))
        _text(draw, (90, y + 230), "签发人：" + person_name(r), font(fnt, 26))
        draw.ellipse((700, 1280, 920, 1500), outline=(210, 40, 40), width=6)
        _text(draw, (640, 1520), cn_date(end.replace(year=end.year - 5) if end.month != 2 or end.day != 29
                                         else end - dt.timedelta(days=365 * 5), pad=False), font(fnt, 28))
        return img

    return Sample(f"{i:04d}", "permit", "permit", truth, expected, anomalies, render, seed, fnt)


def form_sample(i: int, rng: random.Random, *, org: bool) -> Sample:
    fnt = rng.choice(BODY_FONTS)
    hand = rng.choice(HAND_FONTS)
    code, region = rng.choice(REGIONS)
    anomalies: set[tuple[str, str]] = set()
    title = rng.choice(["个体工商户注销登记申请书", "食品经营许可申请表", "居住证申领登记表", "高龄津贴申请表",
                        "社会保障卡补领申请表", "公共租赁住房申请表", "失业保险金申领登记表"])
    if org:
        cname = company_name(rng, region)
        code18 = uscc(rng)
        truth = {"company_name": cname, "uscc": code18}
        expected = {"company_name": cname, "uscc": code18}
        rows = [("单位名称", cname), ("统一社会信用代码", code18), ("法定代表人", person_name(rng)),
                ("联系人", person_name(rng)), ("联系电话", f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}"),
                ("地址", address(rng, region))]
    else:
        valid_id = rng.random() >= 0.08
        idn, _birth, _r = citizen_id(rng, valid=valid_id)
        if not valid_id:
            anomalies.add(("invalid_check_digit", "citizen_id"))
        name = person_name(rng)
        truth = {"name": name, "citizen_id": idn}
        expected = _expected_person(rng, name, idn, anomalies)
        rows = [("申请人姓名", name), ("性别", rng.choice("男女")), ("身份证号码", idn),
                ("联系电话", f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}"), ("住址", address(rng, region)),
                ("申请理由", rng.choice(["年满八十周岁", "证件遗失", "就业困难", "家庭住房困难", "来本地就业"]))]
    seed = rng.randrange(1 << 30)

    def render() -> Image.Image:
        r = random.Random(seed)
        w, h = 1240, 1754
        img = Image.new("RGB", (w, h), (255, 255, 255))
        draw = ImageDraw.Draw(img)
        _text(draw, ((w - 44 * len(title)) // 2, 120), title, font("noto-sans-bold", 44))
        _text(draw, (860, 210), f"编号：{r.randrange(10**6, 10**7)}", font(fnt, 24))
        f, hf = font(fnt, 30), font(hand, 32)
        top, row_h = 260, 100
        x0, x1, x2 = 90, 400, 1150
        for k, (label, value) in enumerate(rows):
            y = top + k * row_h
            draw.rectangle((x0, y, x2, y + row_h), outline=(0, 0, 0), width=2)
            draw.line((x1, y, x1, y + row_h), fill=(0, 0, 0), width=2)
            _text(draw, (x0 + 20, y + 32), label, f)
            jitter = r.randrange(-6, 6)
            _text(draw, (x1 + 30 + r.randrange(0, 30), y + 30 + jitter), value, hf, (20, 30, 90))
        y = top + len(rows) * row_h
        draw.rectangle((x0, y, x2, y + 300), outline=(0, 0, 0), width=2)
        _text(draw, (x0 + 20, y + 30), "本人承诺以上所填内容真实有效，如有虚假愿承担相应法律责任。", font(fnt, 26))
        _text(draw, (x0 + 500, y + 200), "申请人（签章）：", font(fnt, 26))
        _text(draw, (x0 + 720, y + 195), "", hf)
        _text(draw, (x0 + 600, y + 250), cn_date(some_date(r, dt.date(2026, 1, 1), 300), pad=False), font(fnt, 26))
        return img

    return Sample(f"{i:04d}", "form_org" if org else "form_person", "application_form", truth, expected, anomalies,
                  render, seed, fnt)


LAYOUT_SHARES = [("id_card_photo", 0.17), ("id_card_copy", 0.17), ("business_licence", 0.24), ("permit", 0.16),
                 ("form_person", 0.13), ("form_org", 0.13)]


def make_samples(n: int = 320, seed: int = 20261129) -> list[Sample]:
    """``n`` samples in a fixed mix of layouts; the same seed gives the same set."""
    rng = random.Random(seed)
    samples = []
    counts = {layout: round(n * share) for layout, share in LAYOUT_SHARES}
    counts["business_licence"] += n - sum(counts.values())
    i = 0
    for layout, count in counts.items():
        for _ in range(count):
            if layout.startswith("id_card"):
                s = id_card_sample(i, rng, copy=layout == "id_card_copy")
            elif layout == "business_licence":
                s = business_licence_sample(i, rng)
            elif layout == "permit":
                s = permit_sample(i, rng)
            else:
                s = form_sample(i, rng, org=layout == "form_org")
            samples.append(s)
            i += 1
    return samples


# ---------------------------------------------------------------------------------------------
# Degradation and encoding


def degrade(img: Image.Image, seed: int) -> tuple[Image.Image, dict[str, Any]]:
    """What a phone photo or a cheap scan does to a page; returns the image and what was done."""
    r = random.Random(seed ^ 0x5EED)
    npr = np.random.default_rng(seed)
    info: dict[str, Any] = {}
    # lower resolution (photo taken from further away, scanner at low DPI)
    scale = r.uniform(0.6, 1.0)
    if scale < 0.97:
        img = img.resize((int(img.width * scale), int(img.height * scale)), Image.Resampling.BILINEAR)
    info["scale"] = round(scale, 2)
    # rotation (page not square on the scanner)
    angle = r.uniform(-4.0, 4.0)
    fill = tuple(int(v) for v in np.asarray(img)[2, 2])
    img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill)
    info["angle"] = round(angle, 1)
    # uneven light and contrast
    img = ImageEnhance.Brightness(img).enhance(r.uniform(0.8, 1.1))
    img = ImageEnhance.Contrast(img).enhance(r.uniform(0.7, 1.05))
    arr = np.asarray(img).astype(np.float32)
    h, w = arr.shape[:2]
    gx = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    gy = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    shade = 1.0 - r.uniform(0.0, 0.25) * (gx if r.random() < 0.5 else gy)
    arr = arr * shade
    # blur (focus) then sensor noise
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    radius = r.uniform(0.3, 1.3)
    img = img.filter(ImageFilter.GaussianBlur(radius))
    info["blur"] = round(radius, 2)
    sigma = r.uniform(3, 12)
    arr = np.asarray(img).astype(np.float32) + npr.normal(0, sigma, (h, w, 1)).astype(np.float32)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    info["noise"] = round(sigma, 1)
    info["jpeg_quality"] = r.randrange(30, 76)
    return img, info


def encode(img: Image.Image, *, jpeg_quality: int | None = None) -> bytes:
    buf = io.BytesIO()
    if jpeg_quality:
        img.save(buf, "JPEG", quality=jpeg_quality)
    else:
        img.save(buf, "PNG", optimize=False, compress_level=1)
    return buf.getvalue()


def render_bytes(sample: Sample, variant: str) -> tuple[bytes, dict[str, Any]]:
    """The file for ``variant`` ('clean' PNG or 'degraded' JPEG)."""
    img = sample.render()
    if variant == "clean":
        return encode(img), {}
    img, info = degrade(img, sample.seed)
    return encode(img, jpeg_quality=info["jpeg_quality"]), info
