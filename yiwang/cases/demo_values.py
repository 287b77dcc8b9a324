"""Realistic values for the text fields of the demo's historical cases.

The demo once filled every text field with its label and "（演示）" ("店铺名称（演示）"): a
visitor reading a case saw placeholders, not a county. Each field gets a value of its kind, read
from its name and label: people's names, valid ID numbers and credit codes, the county's
addresses, shop and company names, certificate numbers, a sentence where a sentence is asked for.
Deterministic for a given random stream, as the rest of the seed is.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from typing import Any

from yiwang.core.demo import (
    COOPERATIVES,
    COUNTY,
    INDUSTRIES,
    STREETS,
    TOWNS,
    TRADE_NAMES,
    VILLAGES,
    citizen_id,
    county_address,
    person_name,
    uscc,
)

Rng = random.Random


def _person(rng: Rng) -> str:
    return person_name(rng, female=rng.random() < 0.5)


def _people(rng: Rng) -> str:
    return "、".join(_person(rng) for _ in range(rng.randint(2, 3)))


def _id_number(rng: Rng) -> str:
    birth = dt.date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28))
    return citizen_id(rng, birth=birth, female=rng.random() < 0.5)


def _child_id_number(rng: Rng) -> str:
    birth = dt.date(rng.randint(2012, 2020), rng.randint(1, 12), rng.randint(1, 28))
    return citizen_id(rng, birth=birth, female=rng.random() < 0.5)


def _company(rng: Rng) -> str:
    return f"{COUNTY}{rng.choice(TRADE_NAMES)}{rng.choice(INDUSTRIES)}"


def _shop(rng: Rng) -> str:
    kind = rng.choice(("小吃店", "便利店", "副食店", "面馆", "理发店", "五金店", "农家乐", "水果店", "早餐店", "茶馆"))
    return f"{COUNTY}{rng.choice(TOWNS)}{rng.choice(TRADE_NAMES)}{kind}"


def _village(rng: Rng) -> str:
    return f"{rng.choice([t for t in TOWNS if t.endswith(('镇', '乡'))])}{rng.choice(VILLAGES)}"


def _school(rng: Rng) -> str:
    return COUNTY + rng.choice(("实验小学", "城关镇中心小学", "第一中学", "第二中学", "青禾镇中心小学", "职业中等专业学校"))


def _kindergarten(rng: Rng) -> str:
    return COUNTY + rng.choice(("机关幼儿园", "城关镇中心幼儿园", "青禾镇中心幼儿园", "实验幼儿园"))


def _hospital(rng: Rng) -> str:
    return COUNTY + rng.choice(("人民医院", "中医院", "妇幼保健院", "第二人民医院"))


def _clinic(rng: Rng) -> str:
    return f"{COUNTY}{rng.choice(TOWNS)}{rng.choice(('卫生院', '社区卫生服务中心', '康宁诊所', '仁和诊所'))}"


def _bank(rng: Rng) -> str:
    return f"{rng.choice(('中国工商银行', '中国农业银行', '中国建设银行', '中国银行', '县农村商业银行'))}{COUNTY}支行"


def _bank_account(rng: Rng) -> str:
    return rng.choice(("6222", "6228", "6217", "6216")) + "".join(str(rng.randrange(10)) for _ in range(15))


def _plate(rng: Rng) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    tail = "".join(rng.choice(letters + "0123456789") if i == 1 else str(rng.randrange(10)) for i in range(5))
    return f"浙K{tail}"


def _vin(rng: Rng) -> str:
    chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    return "LSV" + "".join(rng.choice(chars) for _ in range(14))


def _number(prefix: str) -> Callable[[Rng], str]:
    return lambda rng: f"{prefix}{rng.randint(2019, 2025)}{rng.randrange(10**6):06d}"


def _property_certificate(rng: Rng) -> str:
    return f"浙（{rng.randint(2016, 2025)}）{COUNTY}不动产权第{rng.randrange(10**7):07d}号"


def _project(rng: Rng) -> str:
    return f"{COUNTY}{rng.choice(TOWNS)}{rng.choice(('安置小区', '农贸市场改造', '污水管网提升', '综合服务中心', '标准厂房'))}工程"


def _choice(*values: str) -> Callable[[Rng], str]:
    return lambda rng: rng.choice(values)


def _road(rng: Rng) -> str:
    return f"{COUNTY}{rng.choice(STREETS)}"


# (pattern over "name label", generator): the first match gives the value. Order matters: the
# specific kinds before the general ones ("统一社会信用代码" before "代码", "身份证号" before "号").
RULES: list[tuple[str, Callable[[Rng], str]]] = [
    (r"统一社会信用代码", lambda rng: uscc(rng)),
    (r"^child_id|学生身份证", _child_id_number),
    (r"身份号码|身份证号|身份证明号码|^spouse_id|^partner_id|^member_id|^insured_id|^transferee_id", _id_number),
    (r"^bank_account|账号", _bank_account),
    (r"号牌|车牌", _plate),
    (r"车辆识别代号", _vin),
    (r"不动产权证|不动产登记证明|原不动产权证书|土地证号", _property_certificate),
    (r"驾驶证档案编号", lambda rng: f"{rng.randint(3300, 3399)}{rng.randrange(10**8):08d}"),
    (r"居住证号码", _number("3309990")),
    (r"合同号|合同编号", _number("HT")),
    (r"许可证", _number("JY3330999")),
    (r"回执号|清单号|案件编号", _number("SL")),
    (r"文号", lambda rng: f"{COUNTY[:2]}环建〔{rng.randint(2019, 2025)}〕{rng.randint(1, 80)}号"),
    (r"证书号|证书编号|证号|备案编号|证明编号|设备代码|^old_account", _number("")),
    (r"抵押权人|贷款银行|质权人|监管银行|^loan_bank|^escrow_bank", _bank),
    (r"主要演员|继承人$|^heirs", _people),
    (r"姓名|联系人|负责人|监护人|驾驶人|户主|受让人|所有人|买受人|出质人|安全管理员|责任人|药师|医师|^driver|^manager|清算", _person),
    (r"所在村", _village),
    (r"地址|坐落|地点|位置|住址|建设地点|^location|^venue$|活动场所|演出场所|被举报场所", lambda rng: county_address(rng)),
    (r"幼儿园", _kindergarten),
    (r"学校", _school),
    (r"卫生室", lambda rng: f"{_village(rng)}卫生室"),
    (r"诊所", lambda rng: f"{COUNTY}{rng.choice(TRADE_NAMES)}诊所"),
    (r"(?<!村)医院|医疗机构|诊疗机构|评定机构|康复机构|(?<!村卫生室)执业机构$|^institution ", _hospital),
    (r"合作社", lambda rng: f"{COUNTY}{rng.choice(TRADE_NAMES)}{rng.choice(COOPERATIVES)}"),
    (r"文物", _choice("青禾古桥（县级文物保护单位）", "石桥村宗祠（县级文物保护单位）")),
    (r"药店", lambda rng: f"{COUNTY}{rng.choice(TRADE_NAMES)}大药房"),
    (r"维修企业", lambda rng: f"{COUNTY}{rng.choice(TRADE_NAMES)}汽车维修有限公司"),
    (r"个体工商户|店铺|零售点|经营单位|经营者|经营主体|创业实体|作坊|业户|工作单位或店铺", _shop),
    (r"民宿", lambda rng: f"{COUNTY}{rng.choice(VILLAGES)}{rng.choice(TRADE_NAMES)}民宿"),
    (r"旅馆", lambda rng: f"{COUNTY}{rng.choice(TRADE_NAMES)}宾馆"),
    (r"农场", lambda rng: f"{COUNTY}{rng.choice(TRADE_NAMES)}家庭农场"),
    (r"养老机构", lambda rng: f"{COUNTY}{rng.choice(TOWNS)}颐养院"),
    (r"社会团体", _choice(f"{COUNTY}个体劳动者协会", f"{COUNTY}茶叶行业协会", f"{COUNTY}老年人体育协会")),
    (r"慈善组织", _choice(f"{COUNTY}慈善总会", f"{COUNTY}青禾公益基金会")),
    (r"法律服务所", lambda rng: f"{COUNTY}{rng.choice(TOWNS)}法律服务所"),
    (r"原登记机关", _choice(f"{COUNTY}民政局", f"{COUNTY}市场监督管理局")),
    (r"消纳场所", _choice(f"{COUNTY}建筑垃圾消纳场", f"{COUNTY}白沙镇建筑垃圾资源化利用中心")),
    (r"矿山", lambda rng: f"{COUNTY}{rng.choice(TOWNS)}建筑用石料矿"),
    (r"小区名称|楼盘|物业项目", lambda rng: f"{rng.choice(TRADE_NAMES)}{rng.choice(('花园', '苑', '家园', '华府'))}"),
    (r"场所名称", lambda rng: f"{COUNTY}{rng.choice(TRADE_NAMES)}{rng.choice(('KTV', '网吧', '文化广场', '体育馆'))}"),
    (r"项目名称", _project),
    (r"桩号", lambda rng: f"S213 省道 K{rng.randint(1, 60)}+{rng.randrange(0, 1000, 100):03d}"),
    (r"河道|河段", _choice("青禾溪", "龙泉溪石桥段", "柳溪下洋段")),
    (r"诊疗科目", _choice("内科、外科、中医科", "口腔科", "预防保健科、全科医疗科")),
    (r"执业范围", _choice("内科专业", "外科专业", "全科医学专业")),
    (r"养殖品种", _choice("草鱼、鲢鱼", "生猪", "蛋鸡")),
    (r"树种", _choice("香樟", "杉木", "马尾松")),
    (r"^breed", _choice("中华田园犬", "柯基犬", "泰迪犬")),
    (r"^chemicals", _choice("汽油、柴油", "液化石油气")),
    (r"^device_scope", _choice("第二类医疗器械（不含体外诊断试剂）",)),
    (r"主要产品|生产品种", _choice("茶叶、笋干", "豆腐、豆干", "米酒", "木制家具")),
    (r"购买方", _company),
    (r"错误事项", _choice("出生日期",)),
    (r"应更正为", _choice("1988 年 3 月 7 日",)),
    (r"投诉|举报", _choice("所购商品存在质量问题，经营者拒绝退换，请求依法处理。",
                          "该店铺夜间经营噪声扰民，多次沟通无果，请求依法处理。")),
    (r"仲裁|劳动|^respondent", _choice("请求裁决被申请人支付拖欠的 2025 年 8 月至 10 月工资共计 15600 元。",)),
    (r"案情|纠纷", _choice("双方因宅基地界址发生争议，经村委会调解未果。", "邻里之间因排水沟渠使用发生纠纷。")),
    (r"单位|企业|公司|机构名称|组织名称|团体名称|旅行社|纳税人|回收企业|运输|施工|监理|开发|^recycler|^builder|^developer|^respondent|^merchant|^org_name", _company),
    (r"中心$|公积金中心", lambda rng: f"{rng.choice(('杭州', '宁波', '温州', '金华'))}住房公积金管理中心"),
    (r"道路|公路|河道|河段|路线|线路|桩号|^road", _road),
    (r"经营范围|业务范围|经营项目|经营品种|生产品种|主要产品|执业范围|诊疗科目|货物|劳务|^goods|^chemicals|^device_scope", _choice(
        "预包装食品（含冷藏冷冻食品）销售；散装食品销售", "日用百货、五金交电、建筑材料销售", "餐饮服务（热食类食品制售）",
        "农产品初加工；茶叶种植、加工、销售", "内科、外科、中医科")),
    (r"情况说明|申请理由|^reason|^situation", _choice(
        "本人因病长期治疗，家庭收入主要依靠配偶务农，生活困难，特此申请。",
        "家中老人年事已高，需要专人照护，现申请相关待遇。", "因工作调动需要，申请办理本事项。")),
    (r"事实|经过|简述|请求|异议|错误事项|^claims|^objection", _choice(
        "2025 年 10 月起，用人单位未按劳动合同约定足额支付工资，经多次协商未果。",
        "所购商品存在质量问题，经营者拒绝退换，请求依法处理。",
        "登记的出生日期与户口簿不一致，请求予以更正。", "车辆在路口转弯时与电动自行车发生碰撞，无人员受伤。")),
    (r"变更后|应更正为|申请变更为", _choice("经营场所变更为县城关镇人民路 128 号", "法定代表人变更为陈建平", "出生日期更正为 1988 年 3 月 7 日")),
    (r"变更前|原登记内容", _choice("经营场所：县城关镇解放路 36 号", "法定代表人：王志强", "出生日期：1988 年 3 月 17 日")),
    (r"污染物", _choice("化学需氧量、氨氮", "颗粒物、二氧化硫", "悬浮物、总磷")),
    (r"污染治理设施", _choice("隔油池及三级化粪池", "布袋除尘器", "一体化污水处理设备")),
    (r"放射诊疗设备", _choice("医用诊断 X 射线机", "口腔全景 X 射线机")),
    (r"机具型号|车辆品牌型号", _choice("久保田 PRO988Q 联合收割机", "大众牌 SVW7153 轿车", "东风牌 EQ1041 轻型货车")),
    (r"品种|作物|树种|^species|^crop|^breed", _choice("水稻", "茶树", "香樟", "中华田园犬", "草鱼、鲢鱼")),
    (r"犬名", _choice("旺财", "豆豆", "小黑", "团团")),
    (r"年级", _choice("一年级", "三年级", "五年级", "初二")),
    (r"任教学科", _choice("小学数学", "初中语文", "小学英语")),
    (r"求职意向", _choice("仓储物流", "餐饮服务", "电子商务运营")),
    (r"行业类别", _choice("餐饮业", "批发和零售业", "建筑业")),
    (r"目的地|就医地|经营地|迁往|转入地|转出地|迁出地|想去的地方|^destination|^to_region|^from_region", _choice(
        "浙江省杭州市", "浙江省宁波市", "上海市", "江苏省苏州市")),
    (r"用途", _choice("自住", "经营", "办公")),
    (r"尺寸", _choice("6×1.2", "4×0.8")),
    (r"房号", _choice("3 幢 201 室", "5 幢 1102 室")),
    (r"征地批次", lambda rng: f"{COUNTY}{rng.randint(2019, 2025)}年度第{rng.randint(1, 9)}批次"),
    (r"接入平台", _choice("浙里办", "县智慧城管平台")),
    (r"培训", _choice(f"{COUNTY}职业技能培训中心", "中式烹调师（五级）")),
    (r"涉及岗位", _choice("焊工、电工", "叉车司机")),
    (r"活动名称|演出名称", _choice("青禾镇丰收节文艺演出", "县迎新春群众文艺汇演")),
    (r"部队", _choice("陆军某部", "武警某部")),
    (r"婴儿|新生儿|儿童|幼儿|学生|逝者|被继承人|老年人|烈士|义务兵|受伤职工|参保人|共济人员|配偶|对方|被收养人|申请人|姓名", _person),
    (r"供气区域|服务区域", lambda rng: f"{COUNTY}{rng.choice(TOWNS)}全域"),
    (r"财物", _choice("电动自行车一辆", "手机一部、现金 800 元")),
]
_COMPILED = [(re.compile(pattern), make) for pattern, make in RULES]


def demo_text_value(field: dict[str, Any], rng: Rng) -> str:
    """A realistic value for a text field, or a short plain answer when its kind is not known."""
    key = f"{field.get('name', '')} {field.get('label', '')}"
    for pattern, make in _COMPILED:
        if pattern.search(key) or pattern.search(str(field.get("label", ""))):
            return make(rng)
    return "详见所附材料"
