"""The demo county's 事项实施清单: 305 service items of 23 departments, written compactly.

Each ``item(...)`` reads like a row of the list. Short notations keep the data readable:

* ``process``: a shape from ``yiwang.catalog.processes`` (``"two_step"``), with the other
  departments after a colon (``"handoff:ZRZY"``, ``"joint_review:ZRZY,HB"``); lanes default to the
  item's department.
* ``materials``: ``"<form>:<name>[|<formats>][|<description>]"`` where form is ``O`` 原件,
  ``C`` 复印件, ``E`` 电子件; a leading ``?`` marks a material that is not required.
  ``$name`` refers to ``COMMON_MATERIALS``.
* ``form``: ``"<field>:<label>:<type>[:<option>/<option>…]"``; a leading ``?`` marks an optional field.
  ``$name`` refers to ``COMMON_FIELDS``. ``when(spec, …)`` adds FEEL conditions (``docs/forms.md``):
  ``POSTED`` is "shown and required only when 邮寄到家 is chosen".
* ``delivery``: letters ``w`` window, ``p`` post, ``e`` electronic.

Codes follow the 实施编码 pattern ``<division>-<type>-<department no.><item no.>-<sub-item>``;
never renumber an item: its code is its identity in every seeded database.
"""

from __future__ import annotations

from typing import Any

DIVISION = "330999"
TYPE_CODES = {"licensing": "01", "benefit": "05", "confirmation": "07", "adjudication": "09", "other_power": "10",
              "filing": "11", "public_service": "20"}
DEPARTMENT_NUMBERS = {"ZWFW": "00", "SCJG": "01", "GA": "02", "RS": "03", "ZJ": "04", "ZRZY": "05", "SW": "06",
                      "WJ": "07", "JY": "08", "MZ": "09", "JT": "10", "CG": "11", "YJ": "12", "HB": "13", "WL": "14",
                      "NY": "15", "SL": "16", "YB": "17", "GJJ": "18", "TY": "19", "YC": "20",
                      "CL": "21", "SF": "22", "XF": "23"}
WINDOWS = {"SCJG": "9 号窗口（企业开办专区）", "GA": "13 号窗口（公安综合窗口）", "RS": "16 号窗口（社保就业专区）",
           "ZJ": "19 号窗口（工程建设项目审批专区）", "ZRZY": "20 号窗口（不动产登记专区）", "SW": "23 号窗口（办税服务专区）",
           "WJ": "27 号窗口（卫生健康）", "JY": "28 号窗口（教育）", "MZ": "26 号窗口（民政救助）", "JT": "29 号窗口（交通运输）",
           "CG": "30 号窗口（城市管理）", "YJ": "31 号窗口（应急管理）", "HB": "32 号窗口（生态环境）", "WL": "33 号窗口（文化旅游）",
           "NY": "34 号窗口（农业农村）", "SL": "35 号窗口（水利）", "YB": "17 号窗口（医疗保障专区）",
           "GJJ": "18 号窗口（住房公积金）", "TY": "36 号窗口（退役军人服务）", "YC": "37 号窗口（烟草专卖）",
           "CL": "38 号窗口（残疾人服务）", "SF": "39 号窗口（公共法律服务）", "XF": "40 号窗口（消防救援）"}
OFFICE_HOURS = "周一至周五 上午 8:30—12:00，下午 14:00—17:30（法定节假日除外）"
EXTENDED_HOURS = "周一至周五 8:30—17:30（中午不间断），周六上午 9:00—12:00 延时服务（法定节假日除外）"

COMMON_MATERIALS = {
    "id": "O:申请人居民身份证|jpg,png,pdf|现场核验原件；网上申请上传正反面照片",
    "agent": "?O:授权委托书及受托人身份证件|pdf,jpg,png|委托他人办理时提供",
    "license": "C:营业执照|pdf,jpg,png|加盖公章；已共享的可免提交",
    "legal_rep_id": "C:法定代表人身份证件|pdf,jpg,png",
    "hukou": "O:居民户口簿|jpg,png,pdf|户主页及本人页",
    "photo": "E:近期免冠彩色证件照|jpg,png|白色背景，不小于 358×441 像素",
    "bank": "C:本人社会保障卡或银行卡|jpg,png,pdf|用于发放待遇",
    "premises": "C:经营场所使用证明|pdf,jpg,png|房屋产权证明或租赁合同",
    "promise": "?E:告知承诺书|pdf|选择告知承诺制办理时提供",
    "staff": "C:主要负责人及从业人员资格证明|pdf,jpg,png",
    "safety": "E:安全管理制度|pdf,doc,docx",
    "plan": "E:建设工程设计方案或图纸|pdf,dwg",
    "death": "O:居民死亡医学证明（推断）书|jpg,png,pdf|医疗卫生机构出具；非正常死亡的提供公安机关出具的死亡证明",
    "property": "C:不动产权证书|pdf,jpg,png|已共享的可免提交",
    "marriage": "C:结婚证|jpg,png,pdf|已共享的可免提交",
    "insured": "E:参保缴费证明|pdf|已共享的可免提交",
    "disability": "C:中华人民共和国残疾人证|jpg,png,pdf|已共享的可免提交",
    "bills": "O:医疗费用发票、费用明细清单及出院小结|pdf,jpg,png",
    "kin": "E:与逝者的亲属关系证明|pdf,jpg,png|户口簿、结婚证、出生医学证明或村（居）委会证明",
}

COMMON_FIELDS = {
    "phone": "contact_phone:联系电话:tel",
    "contact": "contact_name:联系人:text",
    "address": "address:地址:text",
    "company": "company_name:单位名称:text",
    "reason": "?remarks:补充说明:textarea",
    "premises": "premises_address:经营场所地址:text",
    "project": "project_name:项目名称:text",
    "site": "site_address:建设地点:text",
    "investment": "investment:总投资（万元）:number",
    "date": "start_date:拟开始日期:date",
    "bank_account": "bank_account:收款银行账号:text",
    "deceased": "deceased_name:逝者姓名:text",
    "deceased_id": "deceased_id_number:逝者公民身份号码:text",
    "death_date": "death_date:死亡日期:date",
    "plate": "plate_number:号牌号码:text",
}

ITEMS: list[dict[str, Any]] = []


def when(spec: str, *, required_when: str = "", shown_when: str = "") -> dict[str, str]:
    """A form field with conditions: FEEL over the other fields (``form.delivery = "邮寄到家"``)."""
    conditions = {"required_when": required_when, "shown_when": shown_when}
    return {"spec": spec, **{k: v for k, v in conditions.items() if v}}


BY_POST = 'form.delivery = "邮寄到家"'
POSTED = {"required_when": BY_POST, "shown_when": BY_POST}
DELIVERY_CHOICE = "delivery:领取方式:select:窗口领取/邮寄到家"


def item(
    dept: str, seq: int, name: str, item_type: str, scope: str, legal: int, promised: int, depth: str, process: str, *,
    keywords: str, materials: list[str], form: list[str | dict[str, str]], conditions: str, basis: str, fee: str = "不收费",
    delivery: str = "wpe", sub: int = 0, location: str = "", hours: str = "",
) -> None:
    ITEMS.append({
        "code": f"{DIVISION}-{TYPE_CODES[item_type]}-{DEPARTMENT_NUMBERS[dept]}{seq:03d}-{sub:03d}",
        "department": dept, "name": name, "item_type": item_type, "applicant_scope": scope,
        "legal_days": legal, "promised_days": promised, "online_depth": depth, "process": process,
        "keywords": keywords, "materials": materials, "form": form, "conditions": conditions,
        "legal_basis": basis, "fee_description": fee, "delivery": delivery,
        "location": location or f"县政务服务中心{WINDOWS[dept]}", "office_hours": hours or OFFICE_HOURS,
    })


FULL, ONCE, ONSITE = "full_online", "once_onsite", "onsite"
LIC, CONF, BEN, FIL, PUB, OTHER = "licensing", "confirmation", "benefit", "filing", "public_service", "other_power"
PERSON, ORG, BOTH = "person", "org", "both"

# ---------------------------------------------------------------- 市场监管 SCJG
item("SCJG", 1, "企业设立登记（企业开办）", LIC, BOTH, 15, 1, FULL, "enterprise_opening",
     keywords="营业执照 办执照 开公司 注册公司 公司注册 企业开办 一件事 刻章 发票",
     materials=["E:公司登记（备案）申请书|pdf", "E:公司章程|pdf,doc,docx", "$id", "E:股东主体资格证明|pdf,jpg,png",
                "$premises", "$agent"],
     form=["company_name:拟设企业名称:text", "company_type:企业类型:select:有限责任公司/股份有限公司/个人独资企业/合伙企业",
           "registered_capital:注册资本（万元）:number", "business_scope:经营范围:textarea", "$premises",
           "need_seal:是否同步刻制公章:select:是/否"],
     conditions="名称符合企业名称登记管理规定；有符合章程规定的出资；有公司住所；经营范围不含须前置审批的项目或已取得许可。",
     basis="《中华人民共和国公司法》《中华人民共和国市场主体登记管理条例》《中华人民共和国市场主体登记管理条例实施细则》",
     hours=EXTENDED_HOURS)
item("SCJG", 2, "营业执照变更登记", LIC, ORG, 15, 1, FULL, "two_step",
     keywords="营业执照 变更 换照 改名 法人变更 地址变更 经营范围变更",
     materials=["E:公司变更登记申请书|pdf", "E:股东会决议或决定|pdf", "E:修改后的公司章程或章程修正案|pdf", "$license", "$agent"],
     form=["change_items:变更事项:select:名称/住所/法定代表人/注册资本/经营范围/股东", "change_before:变更前内容:textarea",
           "change_after:变更后内容:textarea", "$phone"],
     conditions="已领取营业执照的市场主体，登记事项发生变化的，应当自作出变更决议、决定或者法定变更事项发生之日起 30 日内申请变更登记。",
     basis="《中华人民共和国公司法》《中华人民共和国市场主体登记管理条例》")
item("SCJG", 3, "企业注销登记", LIC, ORG, 15, 3, FULL, "two_step",
     keywords="营业执照 注销公司 关公司 公司注销 简易注销",
     materials=["E:注销登记申请书|pdf", "E:清算报告或全体投资人承诺书|pdf", "$license", "E:清税证明|pdf|已共享的可免提交"],
     form=["dissolution_reason:注销原因:select:决议解散/营业期限届满/被吊销营业执照/其他", "simple_deregistration:是否简易注销:select:是/否",
           "liquidation_leader:清算组负责人:text", "$phone"],
     conditions="企业已依法清算完毕，债权债务已清理完结，税款已结清；适用简易注销的，公示期满无异议。",
     basis="《中华人民共和国公司法》《中华人民共和国市场主体登记管理条例》《企业注销指引》")
item("SCJG", 4, "个体工商户注册登记", LIC, PERSON, 15, 1, FULL, "two_step",
     keywords="营业执照 个体户 开店 小店 个体工商户 办执照 摆摊",
     materials=["E:个体工商户注册登记申请书|pdf", "$id", "$premises", "$agent"],
     form=["shop_name:个体工商户名称:text", "business_scope:经营范围:textarea", "$premises",
           "employees:从业人数:number", "$phone"],
     conditions="有经营能力的自然人；有固定经营场所；经营范围不属于国家禁止或限制的项目。",
     basis="《促进个体工商户发展条例》《中华人民共和国市场主体登记管理条例》")
item("SCJG", 5, "个体工商户注销登记", LIC, PERSON, 15, 1, FULL, "one_step",
     keywords="营业执照 个体户注销 关店 不干了 注销执照",
     materials=["E:个体工商户注销登记申请书|pdf", "$id", "?O:营业执照正副本|jpg,png,pdf|执照遗失的可在线声明作废"],
     form=["registration_number:统一社会信用代码或注册号:text", "shop_name:个体工商户名称:text",
           "debts_cleared:债权债务是否已清理完毕:select:是/否", "taxes_cleared:是否已结清税款:select:是/否", "$phone"],
     conditions="个体工商户已停止经营，未结清的债权债务已清理完毕，无未办结的涉税事项，不在经营异常名录或已移出。",
     basis="《促进个体工商户发展条例》《中华人民共和国市场主体登记管理条例》")
item("SCJG", 6, "个体工商户变更登记", LIC, PERSON, 15, 1, FULL, "two_step",
     keywords="营业执照 个体户变更 换经营者 改地址",
     materials=["E:个体工商户变更登记申请书|pdf", "$id", "?C:新经营场所使用证明|pdf,jpg,png|变更经营场所时提供"],
     form=["registration_number:统一社会信用代码:text", "change_items:变更事项:select:名称/经营者/经营场所/经营范围",
           "change_after:变更后内容:textarea", "$phone"],
     conditions="个体工商户登记事项发生变化的，自变化之日起 30 日内申请变更登记。",
     basis="《促进个体工商户发展条例》《中华人民共和国市场主体登记管理条例》")
item("SCJG", 7, "食品经营许可", LIC, BOTH, 20, 5, ONCE, "site_check",
     keywords="饭店 餐馆 餐饮 小吃店 食品店 开饭店 超市 奶茶店 食品经营许可证",
     materials=["E:食品经营许可申请书|pdf", "$license", "E:与食品经营相适应的主要设备设施布局、操作流程文件|pdf,jpg",
                "E:食品安全管理制度目录|pdf,doc,docx", "C:食品安全管理人员健康证明|jpg,png,pdf", "$promise"],
     form=["business_type:主体业态:select:食品销售经营者/餐饮服务经营者/单位食堂", "$premises",
           "business_area:经营场所面积（平方米）:number", "food_items:经营项目:textarea",
           "online_sales:是否网络经营:select:是/否"],
     conditions="具有与经营的食品品种、数量相适应的经营场所和设备设施，有专职或兼职的食品安全管理人员和保证食品安全的规章制度。",
     basis="《中华人民共和国食品安全法》《食品经营许可和备案管理办法》", delivery="wpe")
item("SCJG", 8, "食品生产许可", LIC, ORG, 20, 10, ONCE, "site_check",
     keywords="食品厂 食品加工 食品生产许可证 SC证",
     materials=["E:食品生产许可申请书|pdf", "$license", "E:食品生产加工场所及其周围环境平面图|pdf,jpg",
                "E:食品生产主要设备、设施清单|pdf,xlsx", "E:食品安全管理制度文本|pdf,doc,docx"],
     form=["food_category:食品类别:select:粮食加工品/食用油/调味品/肉制品/乳制品/饮料/糕点/其他", "$premises",
           "production_lines:生产线数量:number", "$contact", "$phone"],
     conditions="具有与生产的食品品种、数量相适应的生产场所、设备设施、专业技术人员和管理制度。",
     basis="《中华人民共和国食品安全法》《食品生产许可管理办法》")
item("SCJG", 9, "食品小作坊登记", FIL, BOTH, 15, 5, ONCE, "two_step",
     keywords="小作坊 手工作坊 食品加工 土特产",
     materials=["E:食品小作坊登记申请表|pdf", "$id", "$premises", "C:从业人员健康证明|jpg,png,pdf"],
     form=["workshop_name:作坊名称:text", "$premises", "products:生产品种:textarea", "$phone"],
     conditions="有固定的生产加工场所，从业人员持有效健康证明，生产品种不属于禁止目录。",
     basis="《中华人民共和国食品安全法》及本省食品小作坊小餐饮小食杂店管理规定")
item("SCJG", 10, "药品零售企业许可", LIC, ORG, 30, 15, ONCE, "site_check",
     keywords="药店 药房 开药店 药品经营许可证",
     materials=["E:药品经营许可证申请表|pdf", "$license", "C:执业药师注册证|pdf,jpg,png", "$premises",
                "E:质量管理文件目录|pdf,doc,docx"],
     form=["store_name:药店名称:text", "$premises", "business_area:营业面积（平方米）:number",
           "scope:经营范围:select:处方药、非处方药/乙类非处方药/中药饮片", "pharmacist:执业药师姓名:text"],
     conditions="具有依法经过资格认定的药师或者其他药学技术人员，与所经营药品相适应的营业场所、设备、仓储设施和卫生环境。",
     basis="《中华人民共和国药品管理法》《药品经营和使用质量监督管理办法》")
item("SCJG", 11, "特种设备使用登记", CONF, ORG, 15, 5, FULL, "two_step",
     keywords="电梯 锅炉 压力容器 叉车 特种设备 使用登记证",
     materials=["E:特种设备使用登记表|pdf", "$license", "E:产品合格证及监督检验证明|pdf,jpg", "E:安装告知及竣工资料|pdf"],
     form=["equipment_type:设备类别:select:电梯/锅炉/压力容器/场（厂）内专用机动车辆/起重机械",
           "equipment_code:设备代码:text", "install_address:使用地点:text", "safety_manager:安全管理员:text"],
     conditions="特种设备在投入使用前或者投入使用后 30 日内，向负责特种设备安全监督管理的部门办理使用登记。",
     basis="《中华人民共和国特种设备安全法》《特种设备使用管理规则》")
item("SCJG", 12, "第二类医疗器械经营备案", FIL, ORG, 5, 1, FULL, "one_step",
     keywords="医疗器械 备案 口罩 血压计 验孕",
     materials=["E:第二类医疗器械经营备案表|pdf", "$license", "$premises", "E:质量管理制度目录|pdf"],
     form=["$company", "$premises", "device_scope:经营范围:textarea", "$phone"],
     conditions="具有与经营规模和经营范围相适应的经营场所、贮存条件及质量管理制度。",
     basis="《医疗器械监督管理条例》《医疗器械经营监督管理办法》")
item("SCJG", 13, "计量器具强制检定", PUB, BOTH, 20, 5, ONCE, "two_step",
     keywords="电子秤 检定 计量 加油机 血压计 强检",
     materials=["E:强制检定计量器具登记表|pdf,xlsx", "$license"],
     form=["instrument_type:器具名称:select:电子计价秤/加油机/血压计/出租车计价器/其他", "quantity:数量:number",
           "$address", "$phone"],
     conditions="用于贸易结算、安全防护、医疗卫生、环境监测且列入强制检定目录的工作计量器具。",
     basis="《中华人民共和国计量法》《中华人民共和国强制检定的工作计量器具检定管理办法》", fee="按省定检定收费标准收取")
item("SCJG", 14, "股权出质登记", CONF, ORG, 10, 2, FULL, "two_step",
     keywords="股权质押 出质 股权登记",
     materials=["E:股权出质设立登记申请书|pdf", "E:质押合同|pdf", "$legal_rep_id"],
     form=["pledgor:出质人:text", "pledgee:质权人:text", "pledged_amount:出质股权数额（万元）:number", "$phone"],
     conditions="出质股权为依法可以转让的股权，权能完整，未被人民法院冻结。",
     basis="《中华人民共和国民法典》《股权出质登记办法》")
item("SCJG", 15, "营业执照遗失补领", PUB, BOTH, 10, 1, FULL, "one_step",
     keywords="营业执照 补照 执照丢了 执照遗失 补办执照",
     materials=["E:营业执照补领申请书|pdf", "$id", "E:遗失声明|pdf,jpg|可通过国家企业信用信息公示系统免费公示"],
     form=["registration_number:统一社会信用代码:text", "lost_type:补领类型:select:正本/副本/正副本",
           "lost_date:遗失日期:date", "$phone"],
     conditions="营业执照遗失或者毁损的，市场主体应当通过国家企业信用信息公示系统声明作废，申请补领。",
     basis="《中华人民共和国市场主体登记管理条例》")
item("SCJG", 16, "广告发布登记", FIL, ORG, 10, 3, FULL, "two_step",
     keywords="广告发布 广告登记 电台 报纸广告",
     materials=["E:广告发布登记申请表|pdf", "$license", "E:广告审查制度|pdf", "C:广告审查人员名单及资格证明|pdf"],
     form=["$company", "media_type:发布媒介:select:广播电台/电视台/报刊/其他", "$contact", "$phone"],
     conditions="广播电台、电视台、报刊出版单位从事广告发布业务的，具有直接发布广告的媒介和专门从事广告业务的机构及人员。",
     basis="《中华人民共和国广告法》《广告发布登记管理规定》")

# 信用修复 as a case (yiwang.credit: the credit demo marks it as the department's repair item)
item("SCJG", 17, "信用修复（行政处罚信息、严重违法失信名单）", OTHER, BOTH, 15, 10, FULL, "credit_repair",
     keywords="信用修复 失信 黑名单 移出名单 行政处罚信息 提前停止公示 信用中国",
     materials=["E:信用修复申请书|pdf", "E:守信承诺书|pdf",
                "E:已履行行政处罚决定的证明材料|pdf,jpg,png|罚款缴纳凭证、整改情况说明等", "$agent"],
     form=["credit_entry:修复对象编号（见“我的信用”，如 R12、L3）:text",
           "repair_statement:修复申请说明（失信行为已纠正、义务已履行的情况）:textarea", "$phone"],
     conditions="行政处罚信息公示满最短公示期（一般失信 3 个月，严重失信 12 个月），已履行行政处罚决定规定的义务、"
                "纠正违法行为，并作出守信承诺；被执行人信息由人民法院公布，不在此修复。",
     basis="《市场监督管理信用修复管理办法》《失信行为纠正后的信用信息修复管理办法（试行）》")

# ---------------------------------------------------------------- 公安 GA
item("GA", 1, "居住证签注", CONF, PERSON, 15, 1, FULL, "one_step",
     keywords="居住证 续签 签注 暂住证 居住证年审",
     materials=["O:居住证|jpg,png,pdf", "$id", "E:连续居住证明（房屋租赁合同或劳动合同、就读证明）|pdf,jpg,png"],
     form=["permit_number:居住证号码:text", "residence_address:居住地址:text",
           "residence_type:居住依据:select:合法稳定就业/合法稳定住所/连续就读", "continuous_months:连续居住月数:number", "$phone"],
     conditions="居住证持有人在居住地连续居住，在居住证有效期满前 1 个月内申领签注。",
     basis="《居住证暂行条例》", delivery="we")
item("GA", 2, "居住证申领", CONF, PERSON, 15, 5, ONCE, "two_step",
     keywords="居住证 办居住证 暂住证 外地人",
     materials=["$id", "$photo", "E:居住登记满半年的证明材料|pdf,jpg,png"],
     form=["residence_address:居住地址:text", "residence_type:居住依据:select:合法稳定就业/合法稳定住所/连续就读",
           "registration_date:居住登记日期:date", "$phone"],
     conditions="离开常住户口所在地，到本县居住半年以上，符合有合法稳定就业、合法稳定住所、连续就读条件之一。",
     basis="《居住证暂行条例》")
item("GA", 3, "户口迁移（迁入）", CONF, PERSON, 20, 5, ONCE, "three_step",
     keywords="户口 落户 迁户口 户籍 户口迁入 投靠",
     materials=["$hukou", "$id", "E:迁入理由证明（房屋产权证明、结婚证、劳动合同等）|pdf,jpg,png", "?E:准予迁入证明|pdf"],
     form=["move_reason:迁入类型:select:购房落户/投靠亲属/就业落户/学生入学/其他", "from_address:迁出地址:text",
           "to_address:拟迁入地址:text", "persons:随迁人数:number", "$phone"],
     conditions="符合本县户籍准入条件：在县城购有合法产权住房，或投靠配偶、子女、父母，或在本县稳定就业。",
     basis="《中华人民共和国户口登记条例》及本省户口迁移政策规定")
item("GA", 4, "身份证换领", PUB, PERSON, 60, 20, ONCE, "two_step",
     keywords="身份证 到期换证 换身份证 身份证过期",
     materials=["$hukou", "O:原居民身份证|jpg,png,pdf", "$photo"],
     form=["old_card_expiry:原证有效期截止日期:date", "reason:换领原因:select:有效期满/证件损坏/登记项目变更",
           DELIVERY_CHOICE, when("?delivery_address:邮寄地址（选择邮寄到家时填写）:text", **POSTED), "$phone"],
     conditions="居民身份证有效期满、证件损坏或登记项目发生变更的，应当换领。",
     basis="《中华人民共和国居民身份证法》", fee="工本费 20 元（按国家标准收取）")
item("GA", 5, "居民身份证补领", PUB, PERSON, 60, 20, ONCE, "two_step",
     keywords="身份证 丢失 补办身份证 身份证遗失",
     materials=["$hukou", "$photo", "?E:遗失情况说明|pdf,jpg"],
     form=["lost_date:遗失日期:date", "lost_place:遗失地点:text", "need_temporary:是否需要临时身份证:select:是/否",
           "$phone"],
     conditions="居民身份证丢失的，应当申请补领。",
     basis="《中华人民共和国居民身份证法》", fee="工本费 40 元（按国家标准收取）")
item("GA", 6, "出生登记（新生儿入户）", CONF, PERSON, 10, 1, FULL, "one_step",
     keywords="上户口 新生儿 报户口 出生入户 宝宝落户",
     materials=["O:出生医学证明|jpg,png,pdf", "$hukou", "C:父母居民身份证|jpg,png,pdf", "C:父母结婚证|jpg,png,pdf"],
     form=["baby_name:婴儿姓名:text", "birth_date:出生日期:date", "gender:性别:select:男/女",
           "declare_parent:申报人:select:父亲/母亲", "$phone"],
     conditions="婴儿出生后一个月以内，由户主、亲属、抚养人或者邻居向婴儿常住地户口登记机关申报出生登记。",
     basis="《中华人民共和国户口登记条例》")
item("GA", 7, "无犯罪记录证明", PUB, PERSON, 5, 1, FULL, "one_step",
     keywords="无犯罪证明 良民证 无犯罪记录 政审",
     materials=["$id", "$agent"],
     form=["purpose:用途:select:就业/入学/出国（境）/其他", "receiving_unit:接收单位:text", "$phone"],
     conditions="中国公民因就业、入学、出国（境）等事项需要开具无犯罪记录证明。",
     basis="《公安机关办理犯罪记录查询工作规定》", delivery="e")
item("GA", 8, "机动车驾驶证期满换证", PUB, PERSON, 5, 1, FULL, "one_step",
     keywords="驾照 驾驶证 换驾照 驾照到期",
     materials=["O:机动车驾驶证|jpg,png,pdf", "$id", "E:身体条件证明|pdf,jpg", "$photo"],
     form=["license_number:驾驶证档案编号:text", "vehicle_class:准驾车型:select:C1/C2/B1/B2/A1/A2",
           DELIVERY_CHOICE, when("?delivery_address:邮寄地址（选择邮寄到家时填写）:text", **POSTED), "$phone"],
     conditions="机动车驾驶人应当于机动车驾驶证有效期满前 90 日内申请换证。",
     basis="《中华人民共和国道路交通安全法》《机动车驾驶证申领和使用规定》", fee="工本费 10 元")
item("GA", 9, "公章刻制备案", FIL, ORG, 5, 1, FULL, "one_step",
     keywords="刻章 印章 公章 财务章 发票章",
     materials=["$license", "$legal_rep_id", "E:印模|jpg,png"],
     form=["seal_types:印章种类:select:公章/财务专用章/发票专用章/合同专用章/法定代表人名章", "quantity:数量:number",
           "seal_maker:刻制单位:text", "$phone"],
     conditions="单位刻制公章，应当到公安机关备案。",
     basis="《国务院关于国家行政机关和企业事业单位社会团体印章管理的规定》")
item("GA", 10, "旅馆业特种行业许可证核发", LIC, BOTH, 20, 7, ONCE, "site_check",
     keywords="宾馆 酒店 民宿 旅馆 特种行业许可证 开宾馆",
     materials=["E:旅馆业特种行业许可申请表|pdf", "$license", "$premises", "E:消防安全检查合格证明|pdf",
                "E:治安保卫制度及平面图|pdf,jpg"],
     form=["hotel_name:旅馆名称:text", "$premises", "rooms:客房数:number", "beds:床位数:number",
           "security_manager:治安负责人:text"],
     conditions="房屋建筑、消防设备、出入口和通道等符合消防安全和治安管理规定，有必要的防盗安全设施。",
     basis="《旅馆业治安管理办法》")
item("GA", 11, "大型群众性活动安全许可", LIC, ORG, 7, 5, ONCE, "joint_review:YJ,CG",
     keywords="大型活动 演唱会 庙会 运动会 安全许可",
     materials=["E:大型群众性活动安全许可申请表|pdf", "$license", "E:活动安全工作方案|pdf,doc,docx",
                "E:场所管理者同意使用的证明|pdf", "E:应急救援预案|pdf"],
     form=["event_name:活动名称:text", "event_date:活动日期:date", "venue:活动场所:text",
           "expected_people:预计参加人数:number", "security_leader:安全责任人:text"],
     conditions="活动预计参加人数在 1000 人以上 5000 人以下，承办者有安全工作方案、安全责任制度和应急救援预案。",
     basis="《大型群众性活动安全管理条例》")
item("GA", 12, "户口登记项目变更更正", CONF, PERSON, 20, 5, ONCE, "three_step",
     keywords="户口 改名字 出生日期更正 户籍信息变更",
     materials=["$hukou", "$id", "E:变更更正依据材料|pdf,jpg,png"],
     form=["change_item:变更更正项目:select:姓名/出生日期/民族/文化程度/婚姻状况", "change_before:原登记内容:text",
           "change_after:申请变更为:text", "$phone"],
     conditions="户口登记项目确有错误或依法需要变更的，凭有效证明材料申请。",
     basis="《中华人民共和国户口登记条例》")

# ---------------------------------------------------------------- 人社 RS
item("RS", 1, "社会保障卡补领", PUB, PERSON, 10, 1, FULL, "one_step",
     keywords="社保 社保卡 补卡 丢了社保卡 社保卡挂失 补办社保卡",
     materials=["$id", "$photo"],
     form=["loss_reason:补领原因:select:遗失/损坏/被盗", "reported_loss:是否已挂失:select:是/否",
           "delivery:领卡方式:select:窗口领取/邮寄到家", when("?delivery_address:邮寄地址（选择邮寄到家时填写）:text", **POSTED),
           "$phone"],
     conditions="社会保障卡遗失、损坏的参保人员，挂失后可申请补领。",
     basis="《中华人民共和国社会保险法》《社会保障卡管理办法》", delivery="wp")
item("RS", 2, "失业保险金申领", BEN, PERSON, 10, 3, FULL, "two_step",
     keywords="社保 失业金 失业保险 失业保险金 失业补助",
     materials=["$id", "E:解除或终止劳动关系证明|pdf,jpg,png", "$bank"],
     form=["separation_date:离职日期:date", "separation_reason:离职原因:select:劳动合同期满终止/用人单位解除/被辞退/本人辞职",
           "contribution_months:累计缴纳失业保险费月数:number", "employer:原工作单位:text", "$phone"],
     conditions="失业前用人单位和本人已经缴纳失业保险费满一年；非因本人意愿中断就业；已经进行失业登记并有求职要求。",
     basis="《中华人民共和国社会保险法》《失业保险条例》")
item("RS", 3, "职工参保登记", PUB, ORG, 5, 1, FULL, "one_step",
     keywords="社保 参保 五险 单位参保 社保开户 职工社保",
     materials=["$license", "E:参保人员名册|xlsx,pdf", "C:劳动合同|pdf"],
     form=["$company", "employees:参保人数:number", "insurance_types:参保险种:select:养老、医疗、失业、工伤、生育/养老、失业、工伤",
           "start_month:参保起始月份:date", "$phone"],
     conditions="用人单位应当自用工之日起 30 日内为其职工向社会保险经办机构申请办理社会保险登记。",
     basis="《中华人民共和国社会保险法》《社会保险经办条例》")
item("RS", 4, "城乡居民基本养老保险参保登记", PUB, PERSON, 5, 1, FULL, "one_step",
     keywords="社保 养老保险 新农保 居民养老 参保",
     materials=["$id", "$hukou"],
     form=["contribution_grade:缴费档次（元/年）:select:200/300/500/800/1000/2000/3000/5000", "bank_account:银行账号:text",
           "$phone"],
     conditions="年满 16 周岁（不含在校学生），非国家机关和事业单位工作人员，不属于职工基本养老保险覆盖范围的本县户籍居民。",
     basis="《中华人民共和国社会保险法》《国务院关于建立统一的城乡居民基本养老保险制度的意见》")
item("RS", 5, "基本养老保险待遇申领（退休）", BEN, PERSON, 20, 10, ONCE, "three_step",
     keywords="社保 退休 养老金 退休手续 领养老金",
     materials=["$id", "E:参保缴费证明|pdf", "$bank", "?E:特殊工种或提前退休证明|pdf"],
     form=["retire_date:退休时间:date", "retire_type:退休类别:select:正常退休/提前退休/弹性退休",
           "contribution_years:累计缴费年限:number", "$phone"],
     conditions="达到法定退休年龄，累计缴费满 15 年（按国家规定逐步提高），已办理退休手续。",
     basis="《中华人民共和国社会保险法》《国务院关于渐进式延迟法定退休年龄的办法》")
item("RS", 6, "工伤认定申请", CONF, BOTH, 60, 30, ONCE, "three_step",
     keywords="社保 工伤 工伤认定 上班受伤 工伤保险",
     materials=["E:工伤认定申请表|pdf", "E:劳动关系证明|pdf,jpg", "E:医疗诊断证明书|pdf,jpg", "?E:事故调查报告或证人证言|pdf"],
     form=["injured_name:受伤职工姓名:text", "accident_date:事故发生日期:date", "accident_place:事故地点:text",
           "accident_description:事故经过:textarea", "employer:用人单位:text"],
     conditions="职工发生事故伤害或者被诊断、鉴定为职业病，所在单位应自事故发生之日起 30 日内提出申请；单位未申请的，职工或近亲属可在 1 年内提出。",
     basis="《工伤保险条例》《工伤认定办法》")
item("RS", 7, "就业创业证申领", PUB, PERSON, 5, 1, FULL, "one_step",
     keywords="就业创业证 失业登记 就业登记 就业失业登记证",
     materials=["$id", "$photo"],
     form=["employment_status:就业状态:select:失业/灵活就业/自主创业", "education:文化程度:select:初中及以下/高中/大专/本科/研究生",
           "$phone"],
     conditions="法定劳动年龄内、有劳动能力和就业要求的本县户籍或常住人员。",
     basis="《中华人民共和国就业促进法》《就业服务与就业管理规定》")
item("RS", 8, "创业担保贷款申请", PUB, BOTH, 20, 10, ONCE, "two_step",
     keywords="创业贷款 贴息 创业担保 小额贷款",
     materials=["E:创业担保贷款申请表|pdf", "$id", "$license", "E:创业项目计划书|pdf,doc,docx"],
     form=["loan_amount:申请金额（万元）:number", "loan_term:贷款期限（月）:number", "business_name:经营主体名称:text",
           "applicant_type:申请人类别:select:城镇登记失业人员/高校毕业生/返乡创业人员/退役军人/其他"],
     conditions="符合条件的个人创业者贷款额度最高 30 万元，小微企业最高 400 万元，申请人及其配偶无其他经营性贷款。",
     basis="《关于进一步做好创业担保贷款财政贴息工作的通知》")
item("RS", 9, "劳务派遣经营许可", LIC, ORG, 20, 10, ONCE, "three_step",
     keywords="劳务派遣 派遣许可 人力资源公司",
     materials=["E:劳务派遣经营许可申请书|pdf", "$license", "E:验资证明（注册资本不少于 200 万元）|pdf",
                "E:劳务派遣管理制度|pdf,doc,docx", "$premises"],
     form=["$company", "registered_capital:注册资本（万元）:number", "$premises", "$contact", "$phone"],
     conditions="注册资本不得少于人民币 200 万元；有与开展业务相适应的固定经营场所和设施；有符合法律规定的劳务派遣管理制度。",
     basis="《中华人民共和国劳动合同法》《劳务派遣行政许可实施办法》")
item("RS", 10, "灵活就业人员社保补贴申领", BEN, PERSON, 20, 10, FULL, "two_step",
     keywords="社保补贴 灵活就业 就业困难人员 社保",
     materials=["$id", "E:灵活就业证明|pdf,jpg", "E:社会保险费缴费凭证|pdf", "$bank"],
     form=["employment_form:灵活就业形式:select:个体经营/非全日制/临时性工作/新就业形态", "subsidy_months:申请补贴月数:number",
           "bank_account:银行账号:text", "$phone"],
     conditions="认定为就业困难人员并实现灵活就业，已按规定缴纳社会保险费。",
     basis="《中华人民共和国就业促进法》《就业补助资金管理办法》")
item("RS", 11, "养老保险关系转移接续", PUB, PERSON, 45, 15, FULL, "two_step",
     keywords="社保 社保转移 养老保险转移 转社保",
     materials=["$id", "E:参保缴费凭证|pdf"],
     form=["transfer_from:转出地:text", "transfer_to:转入地:text", "insurance_type:险种:select:职工养老保险/城乡居民养老保险",
           "$phone"],
     conditions="参保人员跨统筹地区就业并在新就业地参保的。",
     basis="《中华人民共和国社会保险法》《城镇企业职工基本养老保险关系转移接续暂行办法》")

# ---------------------------------------------------------------- 住建 ZJ
item("ZJ", 1, "建筑工程施工许可证核发", LIC, ORG, 7, 3, ONCE, "joint_review:ZRZY,HB",
     keywords="施工许可 施工许可证 开工 建筑工程 工程建设",
     materials=["E:建筑工程施工许可证申请表|pdf", "E:建设工程规划许可证|pdf", "E:施工合同|pdf", "E:施工图设计文件审查合格书|pdf",
                "E:建设资金已落实承诺书|pdf", "E:工程质量安全监督手续|pdf"],
     form=["$project", "$site", "floor_area:建筑面积（平方米）:number", "$investment", "contractor:施工单位:text",
           "planned_start:计划开工日期:date"],
     conditions="已办理用地批准手续和建设工程规划许可证；需要拆迁的，拆迁进度符合施工要求；已确定施工企业；有满足施工需要的资金安排和施工图纸。",
     basis="《中华人民共和国建筑法》《建筑工程施工许可管理办法》")
item("ZJ", 2, "公租房资格确认", CONF, PERSON, 30, 5, FULL, "two_step",
     keywords="公租房 廉租房 住房保障 保障房 租房补贴",
     materials=["E:公共租赁住房申请表|pdf", "$id", "$hukou", "E:家庭收入情况声明|pdf", "?E:住房情况证明|pdf"],
     form=["family_size:家庭人口:number", "monthly_income_per_capita:家庭人均月收入（元）:number",
           "housing_area_per_capita:人均住房建筑面积（平方米）:number",
           "hukou_type:户籍情况:select:本县城镇户籍/本县农村户籍/外地户籍（稳定就业）", "$phone"],
     conditions="申请家庭人均月收入低于本县公布的收入线，在本县无房或人均住房建筑面积低于 15 平方米，且申请人具有本县城镇户籍或在本县稳定就业。",
     basis="《公共租赁住房管理办法》及本县公共租赁住房保障实施办法")
item("ZJ", 3, "商品房预售许可", LIC, ORG, 10, 5, ONCE, "three_step",
     keywords="预售证 预售许可 楼盘 卖房 开发商",
     materials=["E:商品房预售许可申请表|pdf", "$license", "E:房地产开发企业资质证书|pdf", "E:土地使用权证明|pdf",
                "E:建设工程规划许可证和施工许可证|pdf", "E:商品房预售方案|pdf"],
     form=["$project", "$site", "presale_area:预售面积（平方米）:number", "units:预售套数:number",
           "escrow_bank:预售资金监管银行:text"],
     conditions="已交付全部土地使用权出让金，取得土地使用权证书；持有建设工程规划许可证和施工许可证；投入开发建设的资金达到工程建设总投资的 25% 以上。",
     basis="《中华人民共和国城市房地产管理法》《城市商品房预售管理办法》")
item("ZJ", 4, "建筑业企业资质核准（施工总承包三级）", LIC, ORG, 20, 10, FULL, "three_step",
     keywords="资质 建筑资质 施工资质 三级资质",
     materials=["E:建筑业企业资质申请表|pdf", "$license", "C:技术负责人职称及注册证书|pdf", "E:主要人员社保证明|pdf"],
     form=["$company", "qualification:申请资质类别:select:建筑工程施工总承包三级/市政公用工程施工总承包三级/机电工程施工总承包三级",
           "registered_engineers:注册建造师人数:number", "$contact", "$phone"],
     conditions="企业资产、主要人员、已完成工程业绩和技术装备符合建筑业企业资质标准。",
     basis="《中华人民共和国建筑法》《建筑业企业资质管理规定》")
item("ZJ", 5, "房屋建筑和市政基础设施工程竣工验收备案", FIL, ORG, 15, 5, FULL, "two_step",
     keywords="竣工验收 竣工备案 工程验收",
     materials=["E:竣工验收备案表|pdf", "E:工程竣工验收报告|pdf", "E:规划、消防等部门出具的认可文件|pdf", "E:工程质量保修书|pdf"],
     form=["$project", "$site", "completion_date:竣工验收日期:date", "$contact", "$phone"],
     conditions="建设单位应当自工程竣工验收合格之日起 15 日内办理备案。",
     basis="《建设工程质量管理条例》《房屋建筑和市政基础设施工程竣工验收备案管理办法》")
item("ZJ", 6, "城镇污水排入排水管网许可", LIC, ORG, 20, 7, ONCE, "site_check",
     keywords="排水许可 排水证 污水 接管",
     materials=["E:排水许可申请表|pdf", "$license", "E:排水户内部排水管网、专用检测井、污水排放口位置图|pdf,jpg",
                "E:污水水质检测报告|pdf"],
     form=["$company", "discharge_address:排水地址:text", "daily_discharge:日排水量（吨）:number",
           "discharge_type:排水类别:select:餐饮/洗浴/洗车/医疗/工业/其他"],
     conditions="排放口的设置符合城镇排水与污水处理规划要求；按规定建设污水预处理设施；排放的污水符合国家或地方规定的排放标准。",
     basis="《城镇排水与污水处理条例》《城镇污水排入排水管网许可管理办法》")
item("ZJ", 7, "房屋租赁登记备案", FIL, BOTH, 3, 1, FULL, "one_step",
     keywords="租房备案 租赁合同备案 租房合同 出租房屋",
     materials=["E:房屋租赁合同|pdf", "$id", "C:房屋权属证明|pdf,jpg"],
     form=["house_address:房屋坐落:text", "lease_start:租赁起始日期:date", "lease_end:租赁截止日期:date",
           "monthly_rent:月租金（元）:number", "$phone"],
     conditions="房屋租赁合同订立后 30 日内，房屋租赁当事人应当办理房屋租赁登记备案。",
     basis="《商品房屋租赁管理办法》")
item("ZJ", 8, "建设工程消防设计审查", LIC, ORG, 15, 7, ONCE, "three_step",
     keywords="消防审查 消防设计 消防审图",
     materials=["E:消防设计审查申请表|pdf", "E:消防设计文件|pdf,dwg", "E:建设工程规划许可证|pdf", "?E:特殊消防设计技术资料|pdf"],
     form=["$project", "$site", "floor_area:建筑面积（平方米）:number", "building_height:建筑高度（米）:number",
           "usage:使用性质:select:公共建筑/住宅/厂房/仓库/人员密集场所"],
     conditions="特殊建设工程的建设单位应当将消防设计文件报送审查。",
     basis="《中华人民共和国消防法》《建设工程消防设计审查验收管理暂行规定》")
item("ZJ", 9, "燃气经营许可", LIC, ORG, 20, 10, ONCE, "site_check",
     keywords="燃气 液化气 天然气 燃气经营许可证",
     materials=["E:燃气经营许可申请书|pdf", "$license", "E:燃气设施建设工程竣工验收文件|pdf", "$staff", "$safety"],
     form=["$company", "gas_type:燃气种类:select:管道天然气/瓶装液化石油气/压缩天然气", "service_area:供气区域:text",
           "$contact", "$phone"],
     conditions="符合燃气发展规划要求；有符合国家标准的燃气气源和燃气设施；有固定的经营场所、完善的安全管理制度和健全的经营方案。",
     basis="《城镇燃气管理条例》《燃气经营许可管理办法》")
item("ZJ", 10, "住宅专项维修资金使用备案", FIL, BOTH, 10, 5, FULL, "two_step",
     keywords="维修资金 电梯维修 小区维修 物业维修",
     materials=["E:维修资金使用申请表|pdf", "E:业主大会决议或业主表决结果|pdf", "E:维修工程预算书|pdf,xlsx"],
     form=["community:小区名称:text", "repair_item:维修项目:select:电梯/屋面防水/外墙/消防设施/供排水设施",
           "budget:预算金额（元）:number", "$contact", "$phone"],
     conditions="住宅共用部位、共用设施设备保修期满后的维修和更新、改造，经业主依法表决同意。",
     basis="《中华人民共和国民法典》《住宅专项维修资金管理办法》")

# ---------------------------------------------------------------- 自然资源 ZRZY
item("ZRZY", 1, "不动产登记（二手房转移登记）", CONF, BOTH, 30, 3, ONCE, "real_estate_transfer",
     keywords="不动产 房产证 过户 二手房 买房 卖房 房屋过户 不动产权证书",
     materials=["E:不动产登记申请书|pdf", "$id", "O:不动产权证书|jpg,png,pdf", "E:存量房买卖合同|pdf",
                "?C:婚姻状况证明|pdf,jpg", "$agent"],
     form=["property_address:不动产坐落:text", "certificate_number:不动产权证号:text", "transaction_price:成交价格（万元）:number",
           "building_area:建筑面积（平方米）:number", "buyer_name:买受人:text", "$phone"],
     conditions="转让的不动产权属清晰，未被查封、无异议登记；已设立抵押的，经抵押权人同意。",
     basis="《中华人民共和国民法典》《不动产登记暂行条例》《不动产登记暂行条例实施细则》",
     fee="住宅 80 元/件，非住宅 550 元/件（含第一本证书工本费）")
item("ZRZY", 2, "不动产抵押登记", CONF, BOTH, 30, 2, FULL, "two_step",
     keywords="不动产 房产抵押 贷款抵押 抵押登记 房贷",
     materials=["E:不动产登记申请书|pdf", "$id", "O:不动产权证书|jpg,png,pdf", "E:抵押合同及主债权合同|pdf"],
     form=["property_address:不动产坐落:text", "certificate_number:不动产权证号:text", "mortgagee:抵押权人:text",
           "secured_amount:被担保主债权数额（万元）:number", "mortgage_term:债务履行期限截止日期:date"],
     conditions="以依法可以抵押的不动产设定抵押，抵押人与抵押权人共同申请。",
     basis="《中华人民共和国民法典》《不动产登记暂行条例》", fee="80 元/件")
item("ZRZY", 3, "不动产登记（新建商品房转移登记）", CONF, PERSON, 30, 5, ONCE, "real_estate_transfer",
     keywords="不动产 房产证 新房 办房产证 商品房 交房办证",
     materials=["E:不动产登记申请书|pdf", "$id", "E:商品房买卖合同|pdf", "E:购房发票|pdf,jpg", "?C:婚姻状况证明|pdf,jpg"],
     form=["property_address:不动产坐落:text", "contract_number:商品房买卖合同编号:text", "building_area:建筑面积（平方米）:number",
           "invoice_amount:购房发票金额（万元）:number", "$phone"],
     conditions="开发企业已办理首次登记，购房人已缴清购房款并完税。",
     basis="《中华人民共和国民法典》《不动产登记暂行条例》", fee="住宅 80 元/件")
item("ZRZY", 4, "不动产登记资料查询", PUB, BOTH, 5, 1, FULL, "one_step",
     keywords="不动产 房产查询 查档 产权查询 名下房产",
     materials=["$id", "$agent"],
     form=["query_type:查询类型:select:有无房产查询/登记结果查询/登记原始资料查询", "property_address:不动产坐落:text",
           "purpose:查询目的:select:办理入学/办理公积金/诉讼/其他", "$phone"],
     conditions="权利人、利害关系人可以依法查询、复制不动产登记资料。",
     basis="《不动产登记暂行条例》《不动产登记资料查询暂行办法》", delivery="we")
item("ZRZY", 5, "不动产注销登记（抵押注销）", CONF, BOTH, 30, 1, FULL, "two_step",
     keywords="不动产 解押 抵押注销 还清房贷",
     materials=["E:不动产登记申请书|pdf", "E:不动产登记证明|pdf", "E:主债权消灭或抵押权人放弃抵押权的材料|pdf"],
     form=["property_address:不动产坐落:text", "certificate_number:不动产登记证明号:text",
           "cancel_reason:注销原因:select:主债权消灭/抵押权已实现/抵押权人放弃/其他", "$phone"],
     conditions="主债权消灭、抵押权已经实现或抵押权人放弃抵押权的。",
     basis="《中华人民共和国民法典》《不动产登记暂行条例实施细则》")
item("ZRZY", 6, "建设工程规划许可证核发", LIC, ORG, 20, 7, ONCE, "three_step",
     keywords="规划许可 工程规划 规划证 建设工程规划",
     materials=["E:建设工程规划许可申请表|pdf", "E:建设用地使用权证明|pdf", "$plan", "E:建设工程设计方案审查意见|pdf"],
     form=["$project", "$site", "floor_area:总建筑面积（平方米）:number", "building_height:建筑高度（米）:number",
           "land_certificate:土地证号:text"],
     conditions="在城市、镇规划区内进行建筑物、构筑物、道路、管线和其他工程建设，已取得建设用地使用权。",
     basis="《中华人民共和国城乡规划法》")
item("ZRZY", 7, "建设用地规划许可证核发", LIC, ORG, 20, 7, ONCE, "three_step",
     keywords="用地规划 规划许可 建设用地",
     materials=["E:建设用地规划许可申请表|pdf", "E:建设项目批准、核准或备案文件|pdf", "E:国有建设用地使用权出让合同|pdf",
                "E:宗地图|pdf,dwg"],
     form=["$project", "$site", "land_area:用地面积（平方米）:number", "land_use:用地性质:select:居住/商业/工业/公共服务/其他"],
     conditions="以出让方式取得国有土地使用权的建设项目，已签订国有建设用地使用权出让合同。",
     basis="《中华人民共和国城乡规划法》《中华人民共和国土地管理法》")
item("ZRZY", 8, "乡村建设规划许可证核发", LIC, PERSON, 20, 10, ONCE, "site_check",
     keywords="农村建房 盖房子 乡村规划 翻建房屋 建房审批",
     materials=["E:乡村建设规划许可申请表|pdf", "$id", "E:宅基地批准文件|pdf", "E:建房设计图或通用图|pdf,jpg"],
     form=["build_address:建房地点:text", "floor_area:建筑面积（平方米）:number", "floors:层数:number",
           "build_type:建房类型:select:新建/翻建/扩建"],
     conditions="在乡、村庄规划区内使用集体土地进行农村村民住宅建设，符合村庄规划。",
     basis="《中华人民共和国城乡规划法》")
item("ZRZY", 9, "建设项目用地预审与选址意见书核发", LIC, ORG, 20, 10, ONCE, "three_step",
     keywords="用地预审 选址意见书 项目选址",
     materials=["E:用地预审与选址申请表|pdf", "E:建设项目立项文件|pdf", "E:项目用地边界拐点坐标表|pdf,xlsx",
                "E:土地利用和规划符合性分析|pdf"],
     form=["$project", "$site", "land_area:拟用地面积（公顷）:number", "$investment"],
     conditions="需要申请核发选址意见书和建设用地预审的建设项目，符合国土空间规划和用途管制要求。",
     basis="《中华人民共和国土地管理法》《中华人民共和国城乡规划法》《建设项目用地预审管理办法》")
item("ZRZY", 10, "不动产继承登记", CONF, PERSON, 30, 5, ONCE, "two_step",
     keywords="不动产 继承 过户 房产继承 遗产",
     materials=["E:不动产登记申请书|pdf", "$id", "O:不动产权证书|jpg,png,pdf", "E:被继承人死亡证明|pdf,jpg",
                "E:继承权公证书或全部法定继承人关于不动产分配的协议|pdf"],
     form=["property_address:不动产坐落:text", "deceased_name:被继承人姓名:text", "heirs:继承人:textarea", "$phone"],
     conditions="因继承取得不动产权利，权属清晰、无争议。",
     basis="《中华人民共和国民法典》《不动产登记暂行条例实施细则》", fee="住宅 80 元/件")

# ---------------------------------------------------------------- 税务 SW
item("SW", 1, "纳税人登记", CONF, BOTH, 5, 1, FULL, "one_step",
     keywords="税务登记 办税 报到 新办纳税人 税务",
     materials=["$license", "$legal_rep_id", "E:银行账户信息|pdf,jpg"],
     form=["taxpayer_type:纳税人类型:select:小规模纳税人/一般纳税人", "accounting_method:核算方式:select:独立核算/非独立核算",
           "finance_contact:财务负责人:text", "$phone"],
     conditions="从事生产、经营的纳税人领取营业执照后，信息自动共享，首次办理涉税事项时确认登记信息。",
     basis="《中华人民共和国税收征收管理法》《税务登记管理办法》")
item("SW", 2, "发票申领", PUB, BOTH, 5, 1, FULL, "one_step",
     keywords="发票 领发票 开票 数电发票 电子发票 发票额度",
     materials=["$id", "?E:发票专用章印模|jpg,png"],
     form=["invoice_type:发票种类:select:数电发票（增值税专用发票）/数电发票（普通发票）/机动车销售统一发票",
           "monthly_amount:预计月开票金额（万元）:number", "$phone"],
     conditions="已办理税务登记的纳税人，依法开具发票。",
     basis="《中华人民共和国发票管理办法》", delivery="e")
item("SW", 3, "增值税专用发票最高开票限额审批", LIC, ORG, 20, 3, FULL, "two_step",
     keywords="发票 限额 专票 开票限额 提额",
     materials=["E:税务行政许可申请表|pdf", "E:增值税专用发票最高开票限额申请单|pdf"],
     form=["current_limit:现有最高开票限额（元）:select:一万元/十万元/一百万元", "requested_limit:申请最高开票限额（元）:select:十万元/一百万元/一千万元",
           "reason:申请理由:textarea"],
     conditions="增值税一般纳税人或选择自行开具专用发票的小规模纳税人，根据实际经营需要申请。",
     basis="《国务院对确需保留的行政审批项目设定行政许可的决定》《中华人民共和国发票管理办法》")
item("SW", 4, "个人所得税综合所得汇算清缴退税", PUB, PERSON, 20, 5, FULL, "two_step",
     keywords="个税 退税 汇算清缴 个人所得税",
     materials=["$id", "E:收入及扣除凭证|pdf,jpg", "$bank"],
     form=["tax_year:纳税年度:select:2024/2025", "refund_amount:申请退税金额（元）:number", "bank_account:退税银行账号:text",
           "$phone"],
     conditions="居民个人取得综合所得，预缴税额大于年度应纳税额的。",
     basis="《中华人民共和国个人所得税法》及其实施条例")
item("SW", 5, "完税证明开具", PUB, BOTH, 5, 1, FULL, "one_step",
     keywords="完税证明 纳税证明 税收完税证明 纳税记录",
     materials=["$id", "$agent"],
     form=["period_start:所属期起:date", "period_end:所属期止:date", "tax_type:税种:select:个人所得税/契税/增值税/全部",
           "purpose:用途:text"],
     conditions="纳税人缴纳税款后需要证明的。",
     basis="《税收完税证明管理办法》", delivery="e")
item("SW", 6, "契税申报", OTHER, BOTH, 5, 1, FULL, "one_step",
     keywords="契税 买房交税 不动产 房产税费 购房交税",
     materials=["$id", "E:不动产买卖合同|pdf", "?E:家庭住房情况书面查询结果|pdf|适用优惠税率时提供"],
     form=["property_address:不动产坐落:text", "transaction_price:成交价格（万元）:number", "building_area:建筑面积（平方米）:number",
           "housing_status:家庭住房情况:select:首套/第二套/其他"],
     conditions="在境内转移土地、房屋权属，承受的单位和个人应在办理不动产登记手续前申报缴纳契税。",
     basis="《中华人民共和国契税法》")
item("SW", 7, "税收优惠备案（小微企业）", FIL, ORG, 5, 1, FULL, "one_step",
     keywords="税收优惠 小微企业 减免税 备案",
     materials=["E:减免税备案表|pdf", "E:相关证明材料|pdf"],
     form=["preference:优惠事项:select:小型微利企业所得税优惠/增值税小规模纳税人减免/六税两费减半", "employees:从业人数:number",
           "annual_income:年应纳税所得额（万元）:number"],
     conditions="符合条件的纳税人享受税收优惠，按规定留存备查或备案。",
     basis="《中华人民共和国企业所得税法》《中华人民共和国税收征收管理法》")
item("SW", 8, "清税证明开具", PUB, ORG, 20, 3, FULL, "two_step",
     keywords="注销 清税 清税证明 注销税务",
     materials=["E:清税申报表|pdf", "$license", "?E:发票缴销资料|pdf"],
     form=["dissolution_reason:注销原因:select:决议解散/营业期限届满/被吊销营业执照/其他", "invoices_cancelled:发票是否已缴销:select:是/否",
           "$phone"],
     conditions="纳税人办理注销前已结清应纳税款、滞纳金、罚款，缴销发票。",
     basis="《中华人民共和国税收征收管理法》")

# ---------------------------------------------------------------- 卫健 WJ
item("WJ", 1, "医师执业注册", LIC, PERSON, 20, 5, FULL, "two_step",
     keywords="医师执业证 医生注册 执业注册 医师",
     materials=["E:医师执业注册申请审核表|pdf", "C:医师资格证书|pdf,jpg", "E:6 个月内健康体检证明|pdf", "E:拟执业机构聘用证明|pdf",
                "$photo"],
     form=["practice_category:执业类别:select:临床/中医/口腔/公共卫生", "practice_scope:执业范围:text",
           "institution:执业机构:text", "$phone"],
     conditions="取得医师资格，经拟执业医疗、预防、保健机构聘用。",
     basis="《中华人民共和国医师法》《医师执业注册管理办法》", delivery="we")
item("WJ", 2, "护士执业注册", LIC, PERSON, 20, 5, FULL, "two_step",
     keywords="护士执业证 护士注册 护士",
     materials=["E:护士执业注册申请审核表|pdf", "C:护士执业资格考试成绩合格证明|pdf,jpg", "C:学历证书|pdf,jpg",
                "E:6 个月内健康体检证明|pdf", "$photo"],
     form=["institution:拟执业机构:text", "education:学历:select:中专/大专/本科/研究生", "$phone"],
     conditions="具有完全民事行为能力，在中等职业学校、高等学校完成规定学制的护理、助产专业课程学习，通过护士执业资格考试。",
     basis="《护士条例》《护士执业注册管理办法》", delivery="we")
item("WJ", 3, "公共场所卫生许可", LIC, BOTH, 20, 5, ONCE, "site_check",
     keywords="卫生许可证 理发店 美容院 宾馆 游泳馆 足浴 公共场所",
     materials=["E:公共场所卫生许可申请表|pdf", "$license", "E:卫生检测或评价报告|pdf", "E:卫生管理制度|pdf",
                "C:从业人员健康合格证明|pdf,jpg"],
     form=["place_name:场所名称:text", "place_type:场所类别:select:住宿场所/沐浴场所/美容美发场所/游泳场所/其他",
           "$premises", "business_area:营业面积（平方米）:number", "$phone"],
     conditions="场所选址、设计、布局、设施符合卫生标准和要求，从业人员持有效健康合格证明。",
     basis="《公共场所卫生管理条例》《公共场所卫生管理条例实施细则》")
item("WJ", 4, "医疗机构执业许可（诊所）", LIC, BOTH, 45, 15, ONCE, "site_check",
     keywords="诊所 门诊部 开诊所 医疗机构 执业许可",
     materials=["E:医疗机构执业登记申请书|pdf", "E:医疗机构用房产权证明或使用证明|pdf", "E:医疗机构建筑设计平面图|pdf,jpg",
                "E:医疗机构规章制度|pdf", "C:卫生技术人员执业证书|pdf,jpg"],
     form=["clinic_name:医疗机构名称:text", "clinic_type:类别:select:诊所/中医诊所/口腔诊所/门诊部", "$premises",
           "departments:诊疗科目:textarea", "beds:床位数:number"],
     conditions="符合医疗机构基本标准；有适合的名称、组织机构和场所；有与其开展业务相适应的经费、设施、设备和专业卫生技术人员。",
     basis="《医疗机构管理条例》《医疗机构管理条例实施细则》")
item("WJ", 5, "出生医学证明补发", PUB, PERSON, 20, 5, ONCE, "two_step",
     keywords="出生证 出生医学证明 补办出生证",
     materials=["E:出生医学证明补发申请表|pdf", "C:父母居民身份证|jpg,png,pdf", "E:出生医学证明首次签发登记存根复印件|pdf",
                "?E:亲子鉴定证明|pdf"],
     form=["child_name:新生儿姓名:text", "birth_date:出生日期:date", "birth_hospital:出生医院:text",
           "reason:补发原因:select:遗失/损毁"],
     conditions="出生医学证明遗失或损毁、已办理户口登记的。",
     basis="《中华人民共和国母婴保健法》《出生医学证明管理办法》")
item("WJ", 6, "生育登记服务", PUB, PERSON, 5, 1, FULL, "one_step",
     keywords="生育登记 准生证 生孩子 二孩 三孩 怀孕 生育服务证",
     materials=["C:夫妻双方居民身份证|jpg,png,pdf", "?C:结婚证|jpg,png,pdf|已共享婚姻登记信息的可免提交"],
     form=["spouse_name:配偶姓名:text", "spouse_id_number:配偶身份证号:text", "child_order:本次生育孩次:select:一孩/二孩/三孩",
           "expected_date:预产期:date", "$phone"],
     conditions="依法登记结婚的夫妻生育子女。",
     basis="《中华人民共和国人口与计划生育法》", delivery="e")
item("WJ", 7, "母婴保健技术服务执业许可", LIC, ORG, 20, 10, ONCE, "three_step",
     keywords="母婴保健 助产技术 结扎 产前检查",
     materials=["E:母婴保健技术服务执业许可申请登记书|pdf", "E:医疗机构执业许可证|pdf", "C:卫生技术人员资格证明|pdf"],
     form=["institution:医疗机构名称:text", "service_items:申请项目:select:助产技术/结扎手术/终止妊娠手术/婚前医学检查",
           "$contact", "$phone"],
     conditions="医疗保健机构开展母婴保健技术服务，具备相应的人员、设备和技术条件。",
     basis="《中华人民共和国母婴保健法》及其实施办法")
item("WJ", 8, "放射诊疗许可", LIC, ORG, 20, 10, ONCE, "three_step",
     keywords="放射 X光 CT 牙片机 放射诊疗",
     materials=["E:放射诊疗许可申请表|pdf", "E:医疗机构执业许可证|pdf", "E:放射诊疗建设项目竣工验收合格证明|pdf",
                "E:放射工作人员资格证明|pdf"],
     form=["institution:医疗机构名称:text", "equipment:放射诊疗设备:textarea",
           "category:项目类别:select:X射线影像诊断/介入放射学/核医学/放射治疗"],
     conditions="具有经核准登记的医学影像科诊疗科目，符合放射诊疗设备和场所的防护标准。",
     basis="《放射诊疗管理规定》")
item("WJ", 9, "饮用水供水单位卫生许可", LIC, ORG, 20, 10, ONCE, "site_check",
     keywords="供水 自来水 饮用水 水厂 二次供水",
     materials=["E:供水单位卫生许可申请表|pdf", "$license", "E:水质检测报告|pdf", "C:从业人员健康证明|pdf,jpg"],
     form=["$company", "supply_type:供水方式:select:集中式供水/二次供水", "daily_supply:日供水量（吨）:number", "$phone"],
     conditions="供水设施和水质符合生活饮用水卫生标准，直接从事供、管水人员持有效健康证明。",
     basis="《中华人民共和国传染病防治法》《生活饮用水卫生监督管理办法》")

# ---------------------------------------------------------------- 教育 JY
item("JY", 1, "民办学校办学许可", LIC, BOTH, 90, 30, ONCE, "three_step",
     keywords="办学许可 培训机构 民办学校 办学校",
     materials=["E:民办学校办学许可申请书|pdf", "E:举办者资格证明|pdf", "E:拟任校长及教师资格证明|pdf", "E:资产及经费来源证明|pdf",
                "E:学校章程和首届理事会组成人员名单|pdf"],
     form=["school_name:拟办学校名称:text", "school_level:办学层次:select:学前教育/义务教育/普通高中/非学科类培训",
           "$premises", "planned_students:计划招生规模:number", "$phone"],
     conditions="有合格的教师和管理人员，有符合规定标准的教学场所及设施、设备，有必备的办学资金和稳定的经费来源。",
     basis="《中华人民共和国民办教育促进法》及其实施条例")
item("JY", 2, "教师资格认定", CONF, PERSON, 60, 30, FULL, "two_step",
     keywords="教师资格证 教资 认定 当老师",
     materials=["$id", "C:学历证书|pdf,jpg", "E:体检合格证明|pdf", "E:普通话水平测试等级证书|pdf,jpg", "$photo"],
     form=["certificate_type:资格种类:select:幼儿园/小学/初级中学/高级中学/中等职业学校", "subject:任教学科:text",
           "exam_certificate_number:考试合格证明编号:text", "$phone"],
     conditions="遵守宪法和法律，热爱教育事业，具有良好的思想品德，具备规定的学历，通过教师资格考试并具有相应的教育教学能力。",
     basis="《中华人民共和国教师法》《教师资格条例》")
item("JY", 3, "民办幼儿园办学许可", LIC, BOTH, 90, 30, ONCE, "site_check",
     keywords="幼儿园 办幼儿园 托幼 学前教育",
     materials=["E:幼儿园设立申请书|pdf", "E:园舍产权证明或租赁合同|pdf", "E:消防验收合格证明|pdf", "E:卫生保健评价报告|pdf",
                "C:园长及教师资格证明|pdf"],
     form=["kindergarten_name:幼儿园名称:text", "$premises", "classes:班级数:number", "planned_children:计划招收幼儿数:number"],
     conditions="符合幼儿园工作规程和办园标准，园舍、设施和卫生保健条件符合规定。",
     basis="《中华人民共和国学前教育法》《中华人民共和国民办教育促进法》")
item("JY", 4, "义务教育阶段入学申请", PUB, PERSON, 20, 10, FULL, "one_step",
     keywords="入学 报名 小学 初中 上学 招生 新生入学",
     materials=["$hukou", "C:房屋产权证明或居住证|pdf,jpg", "?E:预防接种证查验证明|pdf,jpg"],
     form=["child_name:学生姓名:text", "child_id_number:学生身份证号:text", "stage:入学阶段:select:小学一年级/初中一年级",
           "school:意向学校:text", "$phone"],
     conditions="适龄儿童少年按学区就近入学；随迁子女凭居住证等材料申请。",
     basis="《中华人民共和国义务教育法》", delivery="e")
item("JY", 5, "家庭经济困难学生资助申请", BEN, PERSON, 30, 15, FULL, "two_step",
     keywords="助学金 资助 困难学生 学费减免",
     materials=["E:家庭经济困难学生认定申请表|pdf", "?E:低保证、特困证或残疾证|pdf,jpg"],
     form=["student_name:学生姓名:text", "school:就读学校:text", "grade:年级:text",
           "difficulty_level:困难类型:select:特别困难/比较困难/一般困难", "bank_account:资助发放账号:text"],
     conditions="具有本县学籍的在校学生，家庭经济困难的。",
     basis="《学生资助资金管理办法》")
item("JY", 6, "校车使用许可", LIC, ORG, 20, 10, ONCE, "joint_review:GA,JT",
     keywords="校车 学生接送 校车许可",
     materials=["E:校车使用许可申请表|pdf", "E:机动车行驶证|pdf,jpg", "E:校车驾驶人资格证明|pdf", "E:校车运行方案|pdf",
                "E:校车安全管理制度|pdf"],
     form=["school:学校名称:text", "plate_number:车牌号:text", "seats:核定载人数:number", "route:行驶线路:textarea",
           "driver_name:驾驶人:text"],
     conditions="车辆符合校车安全国家标准，取得机动车检验合格证明并已登记；有取得校车驾驶资格的驾驶人；有包括行驶线路、开行时间和停靠站点的校车运行方案。",
     basis="《校车安全管理条例》")

# ---------------------------------------------------------------- 民政 MZ
item("MZ", 1, "高龄津贴申领", BEN, PERSON, 20, 5, FULL, "two_step",
     keywords="高龄补贴 高龄津贴 老人补贴 80岁 老年人补贴 尊老金",
     materials=["$id", "$hukou", "$bank"],
     form=["hukou_county:户籍所在地:select:本县/外县", "residence_status:居住情况:select:本县居住/外地居住",
           "bank_account:发放账号（社保卡或银行卡）:text", "guardian_phone:联系人电话:tel"],
     conditions="具有本县户籍、年满 80 周岁的老年人。",
     basis="《中华人民共和国老年人权益保障法》及本省高龄津贴制度实施办法")
item("MZ", 2, "最低生活保障申请", BEN, PERSON, 30, 20, ONCE, "three_step",
     keywords="低保 最低生活保障 困难救助 低保户",
     materials=["E:最低生活保障申请书|pdf", "$id", "$hukou", "E:家庭收入和财产状况申报表|pdf", "E:家庭经济状况核对授权书|pdf",
                "?E:残疾证、病历等相关证明|pdf,jpg"],
     form=["family_size:共同生活家庭成员人数:number", "monthly_income_per_capita:家庭人均月收入（元）:number",
           "difficulty:主要困难:select:因病/因残/缺乏劳动力/其他", "situation:家庭情况说明:textarea", "$phone"],
     conditions="共同生活的家庭成员人均收入低于当地最低生活保障标准，且家庭财产状况符合规定。",
     basis="《社会救助暂行办法》《最低生活保障审核确认办法》")
item("MZ", 3, "特困人员救助供养", BEN, PERSON, 30, 20, ONCE, "three_step",
     keywords="五保 特困 救助供养 孤寡老人",
     materials=["E:特困人员救助供养申请书|pdf", "$id", "$hukou", "?E:残疾证或医疗诊断证明|pdf,jpg"],
     form=["support_mode:供养方式:select:分散供养/集中供养", "self_care:生活自理能力:select:完全自理/部分失能/完全失能",
           "situation:个人情况说明:textarea", "$phone"],
     conditions="老年人、残疾人以及未满 18 周岁的未成年人，同时无劳动能力、无生活来源、无法定赡养抚养扶养义务人或其无履行能力。",
     basis="《社会救助暂行办法》《特困人员认定办法》")
item("MZ", 4, "临时救助申请", BEN, PERSON, 15, 5, FULL, "two_step",
     keywords="救助 临时救助 困难 急难救助",
     materials=["E:临时救助申请书|pdf", "$id", "E:困难情况证明材料|pdf,jpg"],
     form=["difficulty_type:困难类型:select:急难型/支出型", "amount_requested:申请金额（元）:number",
           "situation:困难情况说明:textarea", "$phone"],
     conditions="因火灾、交通事故等意外事件或家庭成员突发重大疾病等原因，导致基本生活暂时出现严重困难的家庭或个人。",
     basis="《社会救助暂行办法》《国务院关于全面建立临时救助制度的通知》")
item("MZ", 5, "婚姻登记预约", PUB, PERSON, 5, 1, FULL, "one_step",
     keywords="结婚 领证 离婚 结婚登记 婚姻登记 预约",
     materials=["$id", "?E:居民户口簿本人页|jpg,png,pdf|可预先上传，登记当日核验原件"],
     form=["registration_type:登记类型:select:结婚登记/离婚登记/补领婚姻登记证", "partner_name:对方姓名:text",
           "appointment_date:预约日期:date", "$phone"],
     conditions="内地居民办理婚姻登记，可提前预约登记时间。",
     basis="《婚姻登记条例》", location="县婚姻登记处（县民政局一楼）", delivery="e")
item("MZ", 6, "内地居民结婚登记", CONF, PERSON, 5, 1, ONSITE, "one_step",
     keywords="结婚证 领证 结婚登记 婚姻登记",
     materials=["$id", "$hukou", "E:双方近期半身免冠合影照片|jpg,png"],
     form=["partner_name:对方姓名:text", "partner_id_number:对方身份证号:text", "appointment_date:登记日期:date", "$phone"],
     conditions="男女双方完全自愿，男年满 22 周岁、女年满 20 周岁，双方均无配偶，无禁止结婚的亲属关系。",
     basis="《中华人民共和国民法典》《婚姻登记条例》", location="县婚姻登记处（县民政局一楼）", delivery="w")
item("MZ", 7, "社会团体成立登记", LIC, ORG, 60, 20, ONCE, "three_step",
     keywords="社团 协会 商会 社会团体",
     materials=["E:社会团体成立登记申请书|pdf", "E:业务主管单位批准文件（如需）|pdf", "E:章程草案|pdf,doc,docx", "E:验资报告|pdf",
                "E:住所使用权证明|pdf"],
     form=["org_name:社会团体名称:text", "members:会员数:number", "funds:活动资金（万元）:number", "$address", "$phone"],
     conditions="有 50 个以上的个人会员或者 30 个以上的单位会员，有规范的名称和相应的组织机构，有固定的住所，有合法的资产和经费来源。",
     basis="《社会团体登记管理条例》")
item("MZ", 8, "民办非企业单位成立登记", LIC, ORG, 60, 20, ONCE, "three_step",
     keywords="民非 民办非企业 社会服务机构 养老院",
     materials=["E:民办非企业单位成立登记申请书|pdf", "E:章程草案|pdf,doc,docx", "E:验资报告|pdf", "E:场所使用权证明|pdf",
                "E:拟任负责人基本情况|pdf"],
     form=["org_name:单位名称:text", "business_scope:业务范围:textarea", "funds:开办资金（万元）:number", "$address"],
     conditions="有规范的名称、必要的组织机构，有与其业务活动相适应的从业人员、合法财产和必要场所。",
     basis="《民办非企业单位登记管理暂行条例》")
item("MZ", 9, "残疾人两项补贴申领", BEN, PERSON, 30, 10, FULL, "two_step",
     keywords="残疾人补贴 护理补贴 生活补贴 残疾",
     materials=["$id", "C:中华人民共和国残疾人证|pdf,jpg", "$bank"],
     form=["disability_level:残疾等级:select:一级/二级/三级/四级", "subsidy_type:申请补贴:select:困难残疾人生活补贴/重度残疾人护理补贴/两项都申请",
           "bank_account:发放账号:text", "$phone"],
     conditions="困难残疾人生活补贴面向低保家庭中的残疾人；重度残疾人护理补贴面向残疾等级为一级、二级且需要长期照护的残疾人。",
     basis="《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》")
item("MZ", 10, "基本殡葬服务费用减免", BEN, PERSON, 10, 3, FULL, "one_step",
     keywords="殡葬 丧葬 火化 惠民殡葬",
     materials=["$death", "$id", "E:火化证明|pdf,jpg"],
     form=["deceased_name:逝者姓名:text", "deceased_id_number:逝者身份证号:text", "death_date:死亡日期:date",
           "bank_account:减免费用退付账号:text"],
     conditions="本县户籍居民去世后在本县殡仪馆火化的，减免遗体接运、暂存、火化和骨灰寄存等基本殡葬服务费用。",
     basis="《殡葬管理条例》及本县惠民殡葬政策")

# ---------------------------------------------------------------- 交通 JT
item("JT", 1, "道路运输经营许可（道路普通货物运输）", LIC, BOTH, 20, 5, FULL, "two_step",
     keywords="货运 道路运输证 运输许可 货车 物流",
     materials=["E:道路货物运输经营申请表|pdf", "$id", "C:机动车行驶证|pdf,jpg", "C:驾驶人员从业资格证|pdf,jpg", "$safety"],
     form=["vehicles:车辆数:number", "tonnage:核定载质量合计（吨）:number", "business_type:经营范围:select:普通货运/货物专用运输/大型物件运输",
           "$phone"],
     conditions="有与其经营业务相适应并经检测合格的车辆，有符合规定的驾驶人员，有健全的安全生产管理制度（使用总质量 4.5 吨及以下普通货运车辆的无需申请）。",
     basis="《中华人民共和国道路运输条例》《道路货物运输及站场管理规定》")
item("JT", 2, "出租汽车驾驶员从业资格证核发", LIC, PERSON, 20, 5, FULL, "two_step",
     keywords="出租车 网约车 从业资格证 的哥 开出租",
     materials=["$id", "C:机动车驾驶证|pdf,jpg", "E:无犯罪记录证明|pdf", "E:考试合格证明|pdf"],
     form=["license_class:准驾车型:select:C1/C2/B1/B2/A1", "license_date:初次领证日期:date",
           "qualification_type:资格类别:select:巡游出租汽车/网络预约出租汽车", "$phone"],
     conditions="取得相应准驾车型机动车驾驶证并具有 3 年以上驾驶经历，无交通肇事犯罪、危险驾驶犯罪记录，无吸毒记录，无暴力犯罪记录，考试合格。",
     basis="《出租汽车驾驶员从业资格管理规定》")
item("JT", 3, "网络预约出租汽车运输证核发", LIC, BOTH, 20, 5, FULL, "two_step",
     keywords="网约车 运输证 网约车证 滴滴",
     materials=["E:网约车运输证申请表|pdf", "C:机动车行驶证|pdf,jpg", "E:车辆卫星定位装置安装证明|pdf", "E:营运车辆保险单|pdf"],
     form=["plate_number:车牌号:text", "vehicle_model:车辆品牌型号:text", "platform:接入平台:text",
           "registration_date:车辆注册日期:date"],
     conditions="7 座及以下乘用车，安装具有行驶记录功能的车辆卫星定位装置和应急报警装置，车辆技术性能符合运营安全标准。",
     basis="《网络预约出租汽车经营服务管理暂行办法》")
item("JT", 4, "道路旅客运输经营许可", LIC, ORG, 20, 10, ONCE, "three_step",
     keywords="客运 班车 旅游包车 客运许可",
     materials=["E:道路旅客运输经营申请表|pdf", "$license", "E:拟投入车辆承诺书|pdf", "C:驾驶人员从业资格证|pdf", "$safety"],
     form=["$company", "business_type:经营范围:select:县内班车客运/县际班车客运/包车客运", "vehicles:拟投入车辆数:number",
           "$contact", "$phone"],
     conditions="有与其经营业务相适应并经检测合格的客车，有符合规定条件的驾驶人员，有健全的安全生产管理制度。",
     basis="《中华人民共和国道路运输条例》《道路旅客运输及客运站管理规定》")
item("JT", 5, "超限运输车辆行驶公路许可", LIC, BOTH, 15, 2, FULL, "two_step",
     keywords="大件运输 超限 超限许可 大件",
     materials=["E:公路超限运输申请表|pdf", "C:机动车行驶证|pdf,jpg", "E:货物外廓尺寸及质量说明|pdf", "E:通行路线图|pdf,jpg"],
     form=["plate_number:车牌号:text", "cargo:货物名称:text", "total_weight:车货总质量（吨）:number", "route:通行路线:textarea",
           "transport_date:运输日期:date"],
     conditions="载运不可解体物品，确需在公路上超限行驶，采取有效加固措施并按指定时间、路线、速度行驶。",
     basis="《中华人民共和国公路法》《公路安全保护条例》《超限运输车辆行驶公路管理规定》")
item("JT", 6, "机动车维修经营备案", FIL, BOTH, 5, 1, FULL, "one_step",
     keywords="修车 汽修 汽车维修 维修厂 备案",
     materials=["E:机动车维修经营备案表|pdf", "$license", "$premises", "C:技术人员资格证明|pdf"],
     form=["shop_name:维修企业名称:text", "repair_type:维修类别:select:一类汽车维修/二类汽车维修/三类汽车维修/摩托车维修",
           "$premises", "$phone"],
     conditions="从事机动车维修经营的，有与其经营业务相适应的维修车辆停车场、生产厂房、设备设施和技术人员。",
     basis="《中华人民共和国道路运输条例》《机动车维修管理规定》")
item("JT", 7, "公路用地范围内设置非公路标志许可", LIC, BOTH, 20, 5, ONCE, "handoff:CG",
     keywords="公路广告 路边广告牌 非公路标志",
     materials=["E:设置非公路标志申请书|pdf", "E:设置位置图及效果图|pdf,jpg", "E:结构安全设计说明|pdf"],
     form=["road_name:公路名称:text", "stake_number:桩号:text", "sign_size:标志尺寸（平方米）:number",
           "period:设置期限（月）:number"],
     conditions="非公路标志的设置不得影响公路通行安全和公路设施的完整，符合公路沿线广告设置规划。",
     basis="《中华人民共和国公路法》《公路安全保护条例》")

# ---------------------------------------------------------------- 城管 CG
item("CG", 1, "城市建筑垃圾处置核准", LIC, BOTH, 20, 5, FULL, "two_step",
     keywords="建筑垃圾 渣土 装修垃圾 渣土运输",
     materials=["E:建筑垃圾处置核准申请表|pdf", "E:建筑垃圾处置方案|pdf", "E:与运输单位签订的运输合同|pdf",
                "E:消纳场所证明|pdf"],
     form=["$project", "$site", "volume:预计产生量（立方米）:number", "transporter:运输单位:text",
           "disposal_site:消纳场所:text"],
     conditions="有建筑垃圾分类处置的方案和废弃混凝土、金属、木材等回收利用方案，有与运输单位签订的合同，有消纳场所证明。",
     basis="《城市建筑垃圾管理规定》")
item("CG", 2, "户外广告设置许可", LIC, BOTH, 20, 5, ONCE, "handoff:ZRZY",
     keywords="广告牌 招牌 店招 户外广告 灯箱",
     materials=["E:户外广告设置申请表|pdf", "E:设置位置图及效果图|pdf,jpg", "E:建筑物所有权人同意设置的证明|pdf",
                "E:结构安全检测报告（大型广告）|pdf"],
     form=["ad_location:设置地点:text", "ad_type:广告形式:select:店招标牌/单立柱广告/楼顶广告/墙面广告/电子显示屏",
           "ad_size:面积（平方米）:number", "period:设置期限（月）:number", "$phone"],
     conditions="符合本县户外广告设置专项规划，设施结构安全，不影响市容市貌和交通安全。",
     basis="《城市市容和环境卫生管理条例》《中华人民共和国广告法》")
item("CG", 3, "临时占用城市道路许可", LIC, BOTH, 20, 3, ONCE, "handoff:GA",
     keywords="占道 挖路 道路挖掘 临时占道 搭建",
     materials=["E:临时占用城市道路申请表|pdf", "E:占道位置图及施工方案|pdf,jpg", "E:交通组织方案|pdf"],
     form=["road_name:道路名称:text", "area:占用面积（平方米）:number", "start_date:占用起始日期:date",
           "end_date:占用截止日期:date", "purpose:用途:select:施工/物料堆放/临时设施/其他"],
     conditions="因特殊情况需要临时占用城市道路的，不得影响交通安全，占用期满后恢复原状。",
     basis="《城市道路管理条例》")
item("CG", 4, "砍伐、迁移城市树木审批", LIC, BOTH, 20, 5, ONCE, "site_check",
     keywords="砍树 修剪树木 迁移树木 树木砍伐",
     materials=["E:砍伐、迁移城市树木申请书|pdf", "E:树木位置图及照片|pdf,jpg", "?E:补植方案|pdf"],
     form=["tree_location:树木所在位置:text", "species:树种:text", "quantity:数量（株）:number",
           "reason:申请原因:select:危树/工程建设/病虫害/其他"],
     conditions="因城市建设、树木衰老或危及人身财产安全确需砍伐、迁移的，按规定补植。",
     basis="《城市绿化条例》")
item("CG", 5, "城市生活垃圾经营性清扫、收集、运输服务许可", LIC, ORG, 20, 10, ONCE, "three_step",
     keywords="垃圾清运 保洁公司 垃圾收运",
     materials=["E:服务许可申请表|pdf", "$license", "E:机械清扫及运输车辆证明|pdf", "E:作业操作规程和安全管理制度|pdf"],
     form=["$company", "vehicles:收运车辆数:number", "service_area:服务区域:text", "$phone"],
     conditions="有与服务相适应的机械清扫能力、全密闭运输车辆和健全的技术、质量、安全和监测管理制度。",
     basis="《城市生活垃圾管理办法》")
item("CG", 6, "临时占道经营审批", LIC, PERSON, 10, 3, FULL, "two_step",
     keywords="摆摊 夜市 地摊 占道经营 临时摊点",
     materials=["$id", "E:经营点位示意图|jpg,png,pdf"],
     form=["location:申请点位:text", "goods:经营品种:text", "business_hours:经营时段:select:早市/夜市/全天", "$phone"],
     conditions="在县人民政府划定的临时摊区点位经营，遵守市容环境卫生管理规定。",
     basis="《城市市容和环境卫生管理条例》")

# ---------------------------------------------------------------- 应急 YJ
item("YJ", 1, "烟花爆竹经营（零售）许可", LIC, BOTH, 20, 5, ONCE, "site_check",
     keywords="烟花 鞭炮 卖烟花 烟花爆竹 爆竹零售",
     materials=["E:烟花爆竹经营（零售）许可证申请书|pdf", "$license", "E:零售场所平面图及周边情况|pdf,jpg",
                "C:主要负责人安全培训合格证明|pdf,jpg"],
     form=["shop_name:零售点名称:text", "$premises", "storage_limit:限制存放量（箱）:number",
           "sales_period:经营期限:select:长期/春节期间"],
     conditions="符合烟花爆竹零售网点布局规划，有与其经营规模相适应的零售场所和安全设施，主要负责人经过安全培训合格。",
     basis="《烟花爆竹安全管理条例》《烟花爆竹经营许可实施办法》")
item("YJ", 2, "危险化学品经营许可（不带储存）", LIC, ORG, 30, 10, ONCE, "site_check",
     keywords="危化品 危险化学品 化工 油漆 危化品经营许可证",
     materials=["E:危险化学品经营许可证申请表|pdf", "$license", "C:主要负责人及安全管理人员安全资格证明|pdf", "$safety",
                "E:事故应急救援预案|pdf"],
     form=["$company", "$premises", "chemicals:经营品种:textarea", "$contact", "$phone"],
     conditions="有符合国家标准、行业标准的经营场所，主要负责人和安全管理人员经考核合格，有健全的安全生产规章制度和事故应急救援预案。",
     basis="《危险化学品安全管理条例》《危险化学品经营许可证管理办法》")
item("YJ", 3, "生产安全事故应急预案备案", FIL, ORG, 5, 1, FULL, "one_step",
     keywords="应急预案 预案备案 安全生产",
     materials=["E:生产经营单位应急预案备案申报表|pdf", "E:应急预案评审或论证意见|pdf", "E:应急预案文本|pdf,doc,docx"],
     form=["$company", "industry:所属行业:select:工贸/危险化学品/非煤矿山/建筑施工/其他", "$contact", "$phone"],
     conditions="生产经营单位应当在应急预案公布之日起 20 个工作日内进行备案。",
     basis="《中华人民共和国安全生产法》《生产安全事故应急预案管理办法》")
item("YJ", 4, "安全生产许可（非煤矿山企业）", LIC, ORG, 45, 20, ONCE, "three_step",
     keywords="安全生产许可证 矿山 采石场 安全许可",
     materials=["E:安全生产许可证申请书|pdf", "$license", "$safety", "E:安全评价报告|pdf", "C:特种作业人员操作资格证|pdf"],
     form=["$company", "mine_name:矿山名称:text", "mining_type:开采方式:select:露天开采/地下开采", "annual_capacity:年生产规模（万吨）:number"],
     conditions="建立健全安全生产责任制，安全投入符合要求，设置安全生产管理机构，依法参加工伤保险，有生产安全事故应急救援预案。",
     basis="《中华人民共和国安全生产法》《安全生产许可证条例》《非煤矿矿山企业安全生产许可证实施办法》")
item("YJ", 5, "建设项目安全设施设计审查", LIC, ORG, 20, 10, ONCE, "three_step",
     keywords="安全设施设计 三同时 安全审查",
     materials=["E:安全设施设计审查申请文件|pdf", "E:安全设施设计|pdf", "E:安全预评价报告|pdf", "E:项目批准文件|pdf"],
     form=["$project", "$site", "$investment", "$contact"],
     conditions="矿山、金属冶炼建设项目和用于生产、储存危险物品的建设项目，安全设施设计按规定报审。",
     basis="《中华人民共和国安全生产法》《建设项目安全设施“三同时”监督管理办法》")

item("YJ", 6, "公众聚集场所投入使用、营业前消防安全检查", LIC, BOTH, 10, 5, ONCE, "site_check",
     keywords="消防 消防检查 消防安全检查 开业 营业前 饭店 餐馆 商场 KTV 宾馆 公众聚集场所",
     materials=["E:公众聚集场所投入使用、营业前消防安全检查申请表|pdf", "$license",
                "E:场所平面布置图及消防设施平面图|pdf,jpg", "E:消防安全制度和灭火应急疏散预案|pdf,doc,docx"],
     form=["venue_name:场所名称:text", "$premises", "venue_type:场所类型:select:餐饮场所/商场超市/宾馆/歌舞娱乐场所/其他",
           "floor_area:建筑面积（平方米）:number", "$phone"],
     conditions="公众聚集场所在投入使用、营业前，建设单位或者使用单位应当向场所所在地的消防救援机构申请消防安全检查（本县由应急管理局统一受理，消防救援大队现场检查）。",
     basis="《中华人民共和国消防法》《公众聚集场所投入使用营业前消防安全检查规则》")

# ---------------------------------------------------------------- 生态环境 HB
item("HB", 1, "环境影响评价审批（报告表）", LIC, ORG, 30, 10, ONCE, "three_step",
     keywords="环评 环境影响评价 环评审批 环评报告表",
     materials=["E:建设项目环境影响评价审批申请书|pdf", "E:环境影响报告表|pdf", "E:项目备案或核准文件|pdf", "?E:公众参与说明|pdf"],
     form=["$project", "$site", "$investment", "industry:行业类别:text", "environmental_investment:环保投资（万元）:number"],
     conditions="建设项目类型及其选址、布局、规模等符合环境保护法律法规和相关法定规划。",
     basis="《中华人民共和国环境影响评价法》《建设项目环境保护管理条例》")
item("HB", 2, "排污许可", LIC, ORG, 30, 15, ONCE, "site_check",
     keywords="排污证 排污许可证 排污登记",
     materials=["E:排污许可证申请表|pdf", "E:自行监测方案|pdf", "E:守法承诺书|pdf", "E:环境影响评价审批文件|pdf"],
     form=["$company", "industry:行业类别:text", "pollutants:主要污染物种类:textarea",
           "management:管理类别:select:重点管理/简化管理"],
     conditions="依法取得建设项目环境影响评价审批意见或者按照有关规定经地方人民政府依法处理、整顿规范，污染防治设施、污染物排放符合规定。",
     basis="《中华人民共和国环境保护法》《排污许可管理条例》")
item("HB", 3, "建设项目环境影响登记表备案", FIL, BOTH, 5, 1, FULL, "one_step",
     keywords="环评 环评备案 环境影响登记表",
     materials=["E:建设项目环境影响登记表|pdf", "E:建设单位证明材料（营业执照或身份证件）|pdf,jpg,png"],
     form=["$project", "$site", "$investment", "$phone"],
     conditions="纳入建设项目环境影响评价分类管理名录中填报环境影响登记表的项目，在建成并投入生产运营前备案。",
     basis="《中华人民共和国环境影响评价法》《建设项目环境影响登记表备案管理办法》", delivery="e")
item("HB", 4, "建筑施工夜间作业审批", LIC, ORG, 5, 2, FULL, "two_step",
     keywords="夜间施工 噪声 夜间作业 连续施工",
     materials=["E:夜间施工申请表|pdf", "E:连续作业必要性说明|pdf", "E:噪声污染防治措施|pdf", "?E:周边居民公告|jpg,pdf"],
     form=["$project", "$site", "start_date:夜间施工起始日期:date", "end_date:夜间施工截止日期:date",
           "reason:夜间施工原因:select:抢修抢险/生产工艺要求/特殊需要"],
     conditions="因生产工艺要求或者其他特殊需要必须连续施工作业的，取得证明并公告附近居民。",
     basis="《中华人民共和国噪声污染防治法》")
item("HB", 5, "排污许可证变更", LIC, ORG, 20, 5, FULL, "two_step",
     keywords="排污证 排污许可变更",
     materials=["E:排污许可证变更申请表|pdf", "E:变更事项说明|pdf", "O:原排污许可证|pdf,jpg"],
     form=["$company", "permit_number:排污许可证编号:text", "change_items:变更事项:select:单位名称/法定代表人/排放口/排放标准",
           "change_after:变更后内容:textarea"],
     conditions="在排污许可证有效期内，排污单位名称、注册地址、法定代表人等事项或适用的排放标准发生变化的。",
     basis="《排污许可管理条例》")

# ---------------------------------------------------------------- 文旅 WL
item("WL", 1, "旅行社设立许可", LIC, ORG, 20, 10, ONCE, "three_step",
     keywords="旅行社 开旅行社 旅游公司",
     materials=["E:旅行社设立申请书|pdf", "$license", "$premises", "E:旅游服务质量保证金交存证明|pdf", "E:经营设备情况证明|pdf"],
     form=["agency_name:旅行社名称:text", "$premises", "deposit:质量保证金（万元）:number", "$contact", "$phone"],
     conditions="取得企业法人资格，有固定的经营场所、必要的营业设施，按规定交存质量保证金。",
     basis="《旅行社条例》《旅行社条例实施细则》")
item("WL", 2, "娱乐场所经营许可", LIC, BOTH, 20, 10, ONCE, "handoff:GA",
     keywords="KTV 歌舞厅 酒吧 娱乐场所 游艺厅",
     materials=["E:娱乐场所经营申请表|pdf", "$license", "$premises", "E:消防安全检查合格证明|pdf", "E:场所平面示意图|pdf,jpg"],
     form=["venue_name:场所名称:text", "venue_type:场所类型:select:歌舞娱乐场所/游艺娱乐场所", "$premises",
           "rooms:包厢数量:number", "business_area:营业面积（平方米）:number"],
     conditions="场所位置符合规定，与学校、医院等保持规定距离；消防、环保条件符合要求。",
     basis="《娱乐场所管理条例》《娱乐场所管理办法》")
item("WL", 3, "互联网上网服务营业场所经营许可", LIC, ORG, 20, 10, ONCE, "site_check",
     keywords="网吧 电竞馆 网咖 上网服务",
     materials=["E:网吧经营许可申请表|pdf", "$license", "$premises", "E:消防安全检查合格证明|pdf", "E:网络安全技术措施说明|pdf"],
     form=["venue_name:场所名称:text", "$premises", "computers:计算机台数:number", "business_area:营业面积（平方米）:number"],
     conditions="有与其经营活动相适应的营业场所、计算机等装置，有固定的网络地址和网络安全管理制度，距中小学校 200 米以外。",
     basis="《互联网上网服务营业场所管理条例》")
item("WL", 4, "营业性演出许可", LIC, BOTH, 20, 3, FULL, "two_step",
     keywords="演出 演唱会 商演 演出许可",
     materials=["E:营业性演出申请表|pdf", "E:演出节目内容材料|pdf", "E:演员名单及身份证明|pdf", "E:演出场所合同|pdf"],
     form=["show_name:演出名称:text", "show_date:演出日期:date", "venue:演出场所:text", "audience:预计观众人数:number",
           "performers:主要演员:textarea"],
     conditions="演出内容符合法律法规，演出场所具备安全条件。",
     basis="《营业性演出管理条例》《营业性演出管理条例实施细则》")
item("WL", 5, "出版物零售单位设立", LIC, BOTH, 20, 10, FULL, "two_step",
     keywords="书店 报刊亭 出版物 图书零售",
     materials=["E:出版物零售经营申请书|pdf", "$license", "$premises", "$id"],
     form=["store_name:经营单位名称:text", "$premises", "business_area:营业面积（平方米）:number", "$phone"],
     conditions="有确定的名称、经营范围和固定的经营场所，有具备相应业务能力的经营人员。",
     basis="《出版管理条例》《出版物市场管理规定》")
item("WL", 6, "文物保护单位建设控制地带内建设工程设计方案审核", LIC, ORG, 20, 10, ONCE, "three_step",
     keywords="文物 文保单位 建设控制地带 古建筑",
     materials=["E:建设工程设计方案审核申请书|pdf", "$plan", "E:文物影响评估报告|pdf"],
     form=["$project", "$site", "heritage_site:涉及文物保护单位:text", "building_height:建筑高度（米）:number"],
     conditions="建设工程不得破坏文物保护单位的历史风貌，工程设计方案符合文物保护规划要求。",
     basis="《中华人民共和国文物保护法》")

# ---------------------------------------------------------------- 农业农村 NY
item("NY", 1, "农药经营许可", LIC, BOTH, 20, 10, ONCE, "site_check",
     keywords="农药店 农药经营许可证 卖农药 农资店",
     materials=["E:农药经营许可证申请表|pdf", "$license", "C:经营人员农学等相关专业学历或培训证明|pdf",
                "$premises", "E:农药经营质量管理制度|pdf"],
     form=["shop_name:经营单位名称:text", "$premises", "storage_area:仓储面积（平方米）:number",
           "restricted:是否经营限制使用农药:select:是/否"],
     conditions="有具备农药和病虫害防治专业知识的经营人员，有与经营相适应的营业场所、设备、仓储设施、安全防护措施和管理制度。",
     basis="《农药管理条例》《农药经营许可管理办法》")
item("NY", 2, "兽药经营许可", LIC, BOTH, 30, 10, ONCE, "site_check",
     keywords="兽药店 兽药 兽药经营许可证",
     materials=["E:兽药经营许可证申请表|pdf", "$license", "C:兽医相关专业技术人员证明|pdf", "$premises"],
     form=["shop_name:经营单位名称:text", "$premises", "scope:经营范围:select:兽用化学药品/兽用中药/兽用生物制品",
           "$phone"],
     conditions="有与所经营的兽药相适应的兽药技术人员、营业场所、设备、仓库设施和质量管理制度。",
     basis="《兽药管理条例》《兽药经营质量管理规范》")
item("NY", 3, "农村村民宅基地审批", LIC, PERSON, 30, 15, ONCE, "handoff:ZRZY",
     keywords="宅基地 农村建房 盖房子 建房审批 新建住房",
     materials=["E:农村宅基地和建房（规划许可）申请表|pdf", "$hukou", "$id", "E:村民小组会议讨论意见|pdf",
                "E:宅基地使用承诺书|pdf"],
     form=["village:所在村:text", "land_area:申请用地面积（平方米）:number", "floor_area:拟建房屋面积（平方米）:number",
           "reason:申请理由:select:分户新建/危房改造/拆旧建新/移民搬迁"],
     conditions="本集体经济组织成员以户为单位申请，一户只能拥有一处宅基地，面积不超过本省规定标准，符合村庄规划。",
     basis="《中华人民共和国土地管理法》《农村宅基地管理暂行办法》")
item("NY", 4, "动物防疫条件合格证核发", LIC, BOTH, 20, 10, ONCE, "site_check",
     keywords="养殖场 动物防疫 防疫合格证 养猪场",
     materials=["E:动物防疫条件审查申请表|pdf", "E:场所地理位置图及平面布局图|pdf,jpg", "E:设施设备清单|pdf",
                "E:动物防疫制度|pdf"],
     form=["farm_name:场所名称:text", "animal_type:养殖种类:select:生猪/牛/羊/家禽/其他", "scale:设计存栏规模:number",
           "$address"],
     conditions="场所的位置与居民生活区、生活饮用水水源地、学校、医院等公共场所的距离符合规定，有相应的污水、污物、病死动物处理设施。",
     basis="《中华人民共和国动物防疫法》《动物防疫条件审查办法》")
item("NY", 5, "种子生产经营许可", LIC, ORG, 20, 10, ONCE, "three_step",
     keywords="种子 种子经营 种子生产",
     materials=["E:种子生产经营许可证申请表|pdf", "$license", "E:种子检验室、仓储设施证明|pdf", "C:种子检验人员资格证明|pdf"],
     form=["$company", "crop:作物种类:text", "scope:生产经营范围:select:主要农作物常规种子/非主要农作物种子",
           "$phone"],
     conditions="具有与种子生产经营相适应的生产经营设施、设备及专业技术人员。",
     basis="《中华人民共和国种子法》《农作物种子生产经营许可管理办法》")
item("NY", 6, "拖拉机和联合收割机驾驶证核发", LIC, PERSON, 20, 5, ONCE, "two_step",
     keywords="农机 拖拉机 收割机 农机驾驶证",
     materials=["$id", "E:身体条件证明|pdf", "$photo"],
     form=["vehicle_class:准驾机型:select:轮式拖拉机/手扶拖拉机/轮式联合收割机/履带式联合收割机", "training_school:培训机构:text",
           "$phone"],
     conditions="年龄、身体条件符合规定，考试合格。",
     basis="《中华人民共和国道路交通安全法》《拖拉机和联合收割机驾驶证管理规定》", fee="工本费 10 元")
item("NY", 7, "耕地地力保护补贴申领", BEN, PERSON, 30, 15, FULL, "one_step",
     keywords="种粮补贴 耕地补贴 农业补贴 地力补贴",
     materials=["$id", "E:土地承包经营权证或流转合同|pdf,jpg", "$bank"],
     form=["village:所在村:text", "area:耕地面积（亩）:number", "crop:种植作物:select:水稻/小麦/玉米/油菜/其他",
           "bank_account:补贴发放账号:text"],
     conditions="拥有耕地承包权的种地农民，耕地保持地力、未撂荒、未改变用途。",
     basis="《财政部 农业农村部关于做好耕地地力保护补贴工作的通知》")

# ---------------------------------------------------------------- 水利 SL
item("SL", 1, "取水许可", LIC, BOTH, 45, 20, ONCE, "handoff:HB",
     keywords="取水证 打井 取水 用水",
     materials=["E:取水许可申请书|pdf", "E:建设项目水资源论证报告|pdf", "E:取水用途和退水说明|pdf", "?E:利害关系人意见|pdf"],
     form=["intake_location:取水地点:text", "water_source:水源类型:select:地表水/地下水", "annual_volume:年取水量（万立方米）:number",
           "purpose:取水用途:select:生活/工业/农业灌溉/其他"],
     conditions="符合水资源规划和取水总量控制要求，取水、退水对水资源和生态环境及第三者权益无不利影响。",
     basis="《中华人民共和国水法》《取水许可和水资源费征收管理条例》")
item("SL", 2, "河道管理范围内建设项目工程建设方案审批", LIC, ORG, 20, 10, ONCE, "three_step",
     keywords="河道 涉河 码头 桥梁 河道建设",
     materials=["E:河道管理范围内建设项目申请书|pdf", "E:防洪评价报告|pdf", "$plan", "E:项目立项文件|pdf"],
     form=["$project", "river:所在河道:text", "project_type:工程类型:select:桥梁/码头/管线/取排水口/其他", "$investment"],
     conditions="建设项目符合防洪规划和河道岸线利用规划，不影响河势稳定和防洪安全。",
     basis="《中华人民共和国水法》《中华人民共和国防洪法》《中华人民共和国河道管理条例》")
item("SL", 3, "生产建设项目水土保持方案审批", LIC, ORG, 20, 10, FULL, "two_step",
     keywords="水保 水土保持 水保方案",
     materials=["E:水土保持方案审批申请|pdf", "E:水土保持方案报告书（表）|pdf"],
     form=["$project", "$site", "disturbed_area:扰动地表面积（公顷）:number", "earthwork:土石方量（万立方米）:number"],
     conditions="在山区、丘陵区、风沙区以及容易发生水土流失的其他区域开办可能造成水土流失的生产建设项目。",
     basis="《中华人民共和国水土保持法》")
item("SL", 4, "洪水影响评价类审批", LIC, ORG, 20, 10, ONCE, "three_step",
     keywords="洪水影响评价 防洪 蓄滞洪区",
     materials=["E:洪水影响评价申请书|pdf", "E:洪水影响评价报告|pdf", "$plan"],
     form=["$project", "$site", "flood_zone:所在区域:select:河道管理范围/蓄滞洪区/洪泛区", "$investment"],
     conditions="建设项目不影响防洪安全，防治和补救措施可行。",
     basis="《中华人民共和国防洪法》《中华人民共和国水法》")


# ================================================================ the rest of a county's list
# Added so that what a county's people ask for exists (issue 16 item 11): the items of the national
# and provincial 政务服务事项 lists that a county implements, by department, with the county bodies
# that carry them (医保局, 公积金管理部, 退役军人事务局, 烟草专卖局, 残联, 司法局, 消防救援大队).

CHEGUANSUO = "县公安局交警大队车辆管理所（城南机动车服务站）"
CHURUJING = "县公安局出入境管理大队接待大厅（县政务服务中心二楼）"

# ---------------------------------------------------------------- 公安 GA（续）
item("GA", 13, "居民身份证首次申领", PUB, PERSON, 60, 20, ONCE, "two_step",
     keywords="身份证 第一次办身份证 办身份证 孩子办身份证 首次申领 十六周岁",
     materials=["$hukou", "$photo", "?O:监护人居民身份证|jpg,png,pdf|未满十六周岁的由监护人陪同"],
     form=["applicant_age:申领人年龄:number", "guardian_name:监护人姓名:text",
           "fingerprint:是否现场采集指纹:select:是/否", "delivery:领证方式:select:窗口领取/邮寄到家", "$phone"],
     conditions="居住在中华人民共和国境内的年满十六周岁的中国公民应当申领居民身份证；未满十六周岁的可以申领，由监护人代为申请。",
     basis="《中华人民共和国居民身份证法》", fee="工本费 20 元（按国家标准收取）")
item("GA", 14, "临时居民身份证核发", PUB, PERSON, 3, 1, ONCE, "one_step",
     keywords="临时身份证 临时证 急用身份证 坐火车 身份证来不及",
     materials=["$hukou", "$photo"],
     form=["reason:申领原因:select:正式证件申领期间急需使用/证件丢失急需使用", "pending_case:正式证件受理回执号:text", "$phone"],
     conditions="正在申领、换领、补领居民身份证期间，急需使用居民身份证的，可以申请领取临时居民身份证。",
     basis="《中华人民共和国临时居民身份证管理办法》", fee="工本费 10 元", delivery="w")
item("GA", 15, "户口注销（死亡）", CONF, PERSON, 10, 1, ONCE, "one_step",
     keywords="户口注销 销户 人去世了 死亡销户口 老人去世 身故",
     materials=["$death", "$hukou", "O:逝者居民身份证|jpg,png,pdf|证件遗失的作书面说明", "$id"],
     form=["$deceased", "$deceased_id", "$death_date", "relation:申报人与逝者关系:select:配偶/子女/父母/其他亲属/村（居）委会",
           "$phone"],
     conditions="公民死亡，城市在葬前、农村在一个月以内，由户主、亲属、抚养人或者邻居向户口登记机关申报死亡，注销户口。",
     basis="《中华人民共和国户口登记条例》第八条", delivery="w")
item("GA", 16, "户口迁移（迁出）", CONF, PERSON, 20, 5, ONCE, "two_step",
     keywords="户口迁出 迁户口 户口迁走 准迁证 跨省迁户",
     materials=["$hukou", "$id", "E:迁入地准予迁入证明或电子迁移信息|pdf,jpg"],
     form=["to_region:迁往地区:text", "move_reason:迁移原因:select:投靠亲属/购房/就业/升学/婚嫁/其他", "persons:迁移人数:number",
           "$phone"],
     conditions="公民迁出本户口管辖区，由本人或者户主在迁出前向户口登记机关申报迁出登记；实行跨省迁移“一站式”办理的，由迁入地受理。",
     basis="《中华人民共和国户口登记条例》第十条")
item("GA", 17, "分户、立户登记", CONF, PERSON, 20, 5, ONCE, "two_step",
     keywords="分户 立户 单独立户 户口分开 另立户口",
     materials=["$hukou", "$id", "$property"],
     form=["household_head:新户户主姓名:text", "persons:分立人数:number", "new_address:新户住址:text",
           "reason:分户原因:select:另有合法住所/结婚/离婚/其他", "$phone"],
     conditions="在同一户口所在地具有合法固定住所的，或者婚姻状况变化等符合本省分户条件的，可申请分户、立户。",
     basis="《中华人民共和国户口登记条例》及本省户籍管理规定")
item("GA", 18, "居民户口簿补领", PUB, PERSON, 10, 1, ONCE, "one_step",
     keywords="户口本丢了 补户口本 户口簿遗失 户口本坏了",
     materials=["$id", "?E:户口簿遗失或损坏情况说明|pdf,jpg"],
     form=["household_head:户主姓名:text", "reason:补领原因:select:遗失/损坏/被盗", "$address", "$phone"],
     conditions="居民户口簿遗失、损坏的，由户主或者户内成年成员申请补领（换领）。",
     basis="《中华人民共和国户口登记条例》", fee="工本费按本省标准收取", delivery="wp")
item("GA", 19, "机动车注册登记", LIC, BOTH, 5, 1, ONCE, "one_step",
     keywords="新车上牌 上牌照 买新车 车辆登记 选号 车牌",
     materials=["$id", "O:机动车整车出厂合格证明或进口凭证|jpg,png,pdf", "O:机动车销售统一发票|jpg,png,pdf",
                "E:车辆购置税完税证明或免税凭证|pdf|已联网的无需提交", "C:机动车交通事故责任强制保险凭证|pdf,jpg"],
     form=["vehicle_model:车辆品牌型号:text", "vin:车辆识别代号:text", "usage:使用性质:select:非营运/营转非/出租客运/货运",
           "plate_choice:选号方式:select:互联网选号/现场选号", "$phone"],
     conditions="初次申领机动车号牌、行驶证的，机动车所有人应当在住所地车辆管理所申请注册登记，机动车经查验合格。",
     basis="《中华人民共和国道路交通安全法》《机动车登记规定》", fee="号牌工本费按国家标准收取", location=CHEGUANSUO)
item("GA", 20, "机动车转移登记", LIC, BOTH, 5, 1, ONCE, "one_step",
     keywords="车辆过户 二手车过户 卖车 买二手车 车过户",
     materials=["$id", "O:机动车登记证书|jpg,png,pdf", "O:机动车行驶证|jpg,png,pdf",
                "O:二手车销售统一发票或人民法院调解、裁定、判决文书|jpg,png,pdf"],
     form=["$plate", "transferee_name:现机动车所有人:text", "transferee_id:现所有人身份证明号码:text",
           "keep_plate:是否保留原号牌:select:是/否", "$phone"],
     conditions="已注册登记的机动车所有权发生转让的，现机动车所有人应当自机动车交付之日起 30 日内申请转移登记；车辆无违法未处理、无抵押查封。",
     basis="《中华人民共和国道路交通安全法》《机动车登记规定》", location=CHEGUANSUO)
item("GA", 21, "机动车注销登记", LIC, BOTH, 5, 1, ONCE, "one_step",
     keywords="报废车 车辆注销 车辆报废 注销车牌",
     materials=["$id", "O:机动车登记证书|jpg,png,pdf", "E:报废机动车回收证明|pdf,jpg"],
     form=["$plate", "reason:注销原因:select:报废/灭失/退车/出境/其他", "recycler:回收企业名称:text", "$phone"],
     conditions="机动车已达到国家强制报废标准、因故灭失、因质量问题退车或者不在我国境内使用的，办理注销登记。",
     basis="《机动车登记规定》《报废机动车回收管理办法》", location=CHEGUANSUO)
item("GA", 22, "机动车检验合格标志核发", PUB, BOTH, 3, 1, FULL, "one_step",
     keywords="年检 车辆年审 年检标志 免检 车检",
     materials=["O:机动车行驶证|jpg,png,pdf", "C:机动车交通事故责任强制保险凭证|pdf,jpg",
                "?E:机动车安全技术检验报告|pdf|非免检车辆提供"],
     form=["$plate", "inspection_type:检验类型:select:6 年以内非营运小型客车免检/上线检验", "delivery_address:检验标志邮寄地址:text",
           "$phone"],
     conditions="机动车已参加交强险，交通违法和事故处理完毕；非免检车辆经安全技术检验合格。",
     basis="《中华人民共和国道路交通安全法实施条例》", delivery="pe", location=CHEGUANSUO)
item("GA", 23, "机动车驾驶证补领", PUB, PERSON, 5, 1, FULL, "one_step",
     keywords="驾照丢了 驾驶证遗失 补驾照 驾驶证补办",
     materials=["$id", "$photo"],
     form=["license_number:驾驶证档案编号:text", "reason:补领原因:select:遗失/损毁", "delivery_address:邮寄地址:text", "$phone"],
     conditions="机动车驾驶证遗失的，机动车驾驶人应当向机动车驾驶证核发地或者核发地以外的车辆管理所申请补领。",
     basis="《机动车驾驶证申领和使用规定》", fee="工本费 10 元", location=CHEGUANSUO)
item("GA", 24, "普通护照签发", PUB, PERSON, 15, 7, ONCE, "two_step",
     keywords="护照 办护照 出国 出境旅游 护照过期",
     materials=["$id", "E:出入境证件数码照片回执|jpg,png", "?O:原护照|jpg,png,pdf|换发、补发时提供"],
     form=["application_type:申请类别:select:首次申领/换发/补发", "purpose:出境事由:select:旅游/探亲/留学/商务/其他",
           "delivery:领证方式:select:窗口领取/邮寄到家", "$phone"],
     conditions="中国公民因前往外国定居、探亲、学习、就业、旅行、从事商务活动等非公务原因出国的，可申请普通护照，不属于法定不准出境情形。",
     basis="《中华人民共和国护照法》《中华人民共和国出境入境管理法》", fee="每本 120 元", location=CHURUJING)
item("GA", 25, "往来港澳通行证及签注签发", PUB, PERSON, 10, 7, ONCE, "two_step",
     keywords="港澳通行证 去香港 去澳门 港澳签注 港澳游",
     materials=["$id", "E:出入境证件数码照片回执|jpg,png", "?O:原往来港澳通行证|jpg,png,pdf|换发时提供"],
     form=["endorsement:签注种类:select:团队旅游/个人旅游/探亲/商务/逗留", "times:签注次数:select:一次/二次/多次",
           "delivery:领证方式:select:窗口领取/邮寄到家", "$phone"],
     conditions="内地居民因私前往香港、澳门，可申请往来港澳通行证及相应签注。",
     basis="《中国公民因私事往来香港地区或者澳门地区的暂行管理办法》", fee="通行证 60 元，签注 15 元/次", location=CHURUJING)
item("GA", 26, "养犬登记", FIL, PERSON, 10, 3, FULL, "one_step",
     keywords="养狗 狗证 犬证 养犬证 宠物登记",
     materials=["$id", "E:犬只狂犬病免疫证明|pdf,jpg", "E:犬只正面、侧面照片|jpg,png"],
     form=["dog_name:犬名:text", "breed:品种:text", "gender:性别:select:公/母", "$address", "$phone"],
     conditions="在县城养犬重点管理区养犬的，应当在取得犬只免疫证明后 30 日内办理养犬登记；禁养犬种不予登记。",
     basis="《中华人民共和国动物防疫法》及本县养犬管理规定", fee="不收费（犬牌工本费由财政承担）")
item("GA", 27, "典当业特种行业许可证核发", LIC, ORG, 20, 10, ONCE, "site_check",
     keywords="典当行 当铺 典当 特种行业",
     materials=["E:特种行业许可证申请表|pdf", "C:典当经营许可证|pdf,jpg", "$license", "E:经营场所安全防范设施情况说明|pdf"],
     form=["$company", "$premises", "security_manager:治安保卫负责人:text", "$phone"],
     conditions="已取得商务主管部门典当经营许可，经营场所及保管库房符合治安安全防范要求。",
     basis="《典当管理办法》《国务院对确需保留的行政审批项目设定行政许可的决定》")
item("GA", 28, "犯罪嫌疑人、被告人近亲属会见及财物领回", PUB, PERSON, 5, 2, ONSITE, "one_step",
     keywords="领回财物 扣押物品 退还 发还物品",
     materials=["$id", "E:扣押清单或发还通知书|pdf,jpg", "E:与当事人的关系证明|pdf,jpg"],
     form=["case_number:案件编号或扣押清单号:text", "items:申请领回的财物:textarea", "$phone"],
     conditions="经查明与案件无关的财物，或者应当依法返还被害人、权利人的财物，由权利人或者其近亲属申请领回。",
     basis="《中华人民共和国刑事诉讼法》《公安机关办理刑事案件程序规定》", delivery="w")

# ---------------------------------------------------------------- 人社 RS（续）
item("RS", 12, "劳动保障监察投诉", OTHER, PERSON, 60, 20, FULL, "two_step",
     keywords="拖欠工资 欠薪 讨薪 老板不发工资 不给交社保 劳动监察 投诉老板 工资拖欠",
     materials=["$id", "E:劳动关系证明（劳动合同、工资条、考勤记录、工作证等）|pdf,jpg,png",
                "E:被投诉单位违法事实及证据|pdf,jpg,png"],
     form=["employer_name:被投诉单位名称:text", "employer_address:被投诉单位地址:text",
           "complaint_type:投诉事项:select:拖欠工资/未缴社会保险/未签劳动合同/超时加班/其他",
           "amount:涉及金额（元）:number", "facts:投诉事实与请求:textarea", "$phone"],
     conditions="劳动者认为用人单位侵犯其劳动保障合法权益，在违法行为发生之日起两年内投诉；属劳动争议的引导申请仲裁。",
     basis="《劳动保障监察条例》《关于实施〈劳动保障监察条例〉若干规定》")
item("RS", 13, "劳动人事争议仲裁申请", OTHER, BOTH, 60, 45, ONCE, "three_step",
     keywords="劳动仲裁 劳动纠纷 被辞退 经济补偿 赔偿金 开除 劳动争议",
     materials=["E:劳动人事争议仲裁申请书|pdf,doc,docx", "$id", "E:证据材料及清单|pdf,jpg,png",
                "C:被申请人营业执照或登记信息|pdf,jpg,png"],
     form=["respondent:被申请人（用人单位）:text", "claims:仲裁请求:textarea", "facts:事实和理由:textarea",
           "dispute_type:争议类型:select:劳动报酬/解除劳动合同/经济补偿/工伤待遇/社会保险/其他", "$phone"],
     conditions="劳动争议仲裁的申请时效为一年，从当事人知道或者应当知道其权利被侵害之日起计算；属本仲裁委员会管辖。",
     basis="《中华人民共和国劳动争议调解仲裁法》《劳动人事争议仲裁办案规则》",
     location="县劳动人事争议仲裁院（县政务服务中心三楼）")
item("RS", 14, "失业登记", CONF, PERSON, 5, 1, FULL, "one_step",
     keywords="失业登记 没工作 登记失业 失业证明",
     materials=["$id", "E:与原单位解除或终止劳动关系的证明|pdf,jpg"],
     form=["last_employer:原工作单位:text", "unemployed_since:失业日期:date", "want_job:求职意向:text", "$phone"],
     conditions="法定劳动年龄内、有劳动能力、有就业要求、处于无业状态的城乡劳动者，可在常住地进行失业登记。",
     basis="《中华人民共和国就业促进法》《就业服务与就业管理规定》")
item("RS", 15, "职业培训补贴申领", BEN, BOTH, 30, 15, FULL, "two_step",
     keywords="培训补贴 技能培训 考证补贴 学技术",
     materials=["$id", "C:职业资格证书或职业技能等级证书|pdf,jpg", "E:培训费发票|pdf,jpg", "$bank"],
     form=["training_name:培训项目:text", "certificate_no:证书编号:text", "fee_paid:已缴培训费（元）:number", "$bank_account"],
     conditions="参加本县认定的职业技能培训并取得相应证书的城乡劳动者，在取得证书后 12 个月内申领。",
     basis="《国务院关于推行终身职业技能培训制度的意见》《就业补助资金管理办法》")
item("RS", 16, "一次性创业补贴申领", BEN, PERSON, 30, 15, FULL, "two_step",
     keywords="创业补贴 创业补助 自主创业 开店补贴 大学生创业",
     materials=["$id", "$license", "E:正常经营和带动就业证明（纳税或社保缴费记录）|pdf", "$bank"],
     form=["business_name:创业实体名称:text", "started_on:营业执照登记日期:date",
           "applicant_type:人员类别:select:高校毕业生/就业困难人员/返乡创业农民工/退役军人", "$bank_account"],
     conditions="首次创办小微企业或从事个体经营，正常经营 6 个月以上，属本省规定的重点人员。",
     basis="《就业补助资金管理办法》及本省创业扶持政策")
item("RS", 17, "企业职工基本养老保险丧葬补助金和抚恤金申领", BEN, PERSON, 20, 5, FULL, "two_step",
     keywords="丧葬费 抚恤金 死亡待遇 老人去世 社保丧葬费 退休人员去世",
     materials=["$death", "$kin", "$id", "$bank"],
     form=["$deceased", "$deceased_id", "$death_date", "dependents:供养直系亲属人数:number", "$bank_account"],
     conditions="参加企业职工基本养老保险的个人因病或者非因工死亡的，其遗属可以领取丧葬补助金和抚恤金。",
     basis="《中华人民共和国社会保险法》第十七条及本省实施办法")
item("RS", 18, "基本养老保险个人账户余额一次性支取", BEN, PERSON, 20, 5, FULL, "one_step",
     keywords="个人账户 养老保险退钱 养老保险余额 继承个人账户",
     materials=["$id", "E:支取原因证明（死亡医学证明、定居国外证明等）|pdf,jpg", "$kin", "$bank"],
     form=["insured_name:参保人姓名:text", "insured_id:参保人公民身份号码:text",
           "reason:支取原因:select:参保人死亡/出国（境）定居/其他", "$bank_account"],
     conditions="参保人员死亡或出国（境）定居的，个人账户余额可以依法继承或一次性支付给本人。",
     basis="《中华人民共和国社会保险法》")
item("RS", 19, "工伤保险待遇核定支付", BEN, PERSON, 30, 10, ONCE, "two_step",
     keywords="工伤报销 工伤待遇 伤残补助金 工伤赔偿",
     materials=["E:工伤认定决定书|pdf,jpg", "E:劳动能力鉴定结论书|pdf,jpg", "$bills", "$bank"],
     form=["employer_name:用人单位:text", "injury_date:受伤日期:date", "disability_grade:伤残等级:select:无/一级至四级/五级至六级/七级至十级",
           "$bank_account"],
     conditions="职工经工伤认定，已参加工伤保险，医疗费用符合工伤保险诊疗项目目录、药品目录。",
     basis="《工伤保险条例》")
item("RS", 20, "劳动能力鉴定申请", CONF, PERSON, 60, 30, ONCE, "three_step",
     keywords="伤残鉴定 劳动能力鉴定 工伤鉴定 几级伤残",
     materials=["E:劳动能力鉴定申请表|pdf", "E:工伤认定决定书|pdf,jpg", "E:病历、诊断证明等有关资料|pdf,jpg"],
     form=["injured_name:受伤职工姓名:text", "employer_name:用人单位:text", "treatment_end:停工留薪期满或治疗终结日期:date",
           "$phone"],
     conditions="职工发生工伤，经治疗伤情相对稳定后存在残疾、影响劳动能力的。",
     basis="《工伤保险条例》《工伤职工劳动能力鉴定管理办法》", location="县劳动能力鉴定委员会办公室（县人社局）")
item("RS", 21, "城乡居民基本养老保险待遇申领", BEN, PERSON, 20, 5, FULL, "one_step",
     keywords="农村养老金 居民养老金 满60岁领养老金 农保 新农保",
     materials=["$id", "$hukou", "$bank"],
     form=["village:所在村（社区）:text", "birth_date:出生日期:date", "paid_years:累计缴费年限:number", "$bank_account"],
     conditions="参加城乡居民基本养老保险、年满 60 周岁、累计缴费满 15 年，且未领取国家规定的基本养老保障待遇的。",
     basis="《国务院关于建立统一的城乡居民基本养老保险制度的意见》")
item("RS", 22, "社会保险参保证明（个人权益记录）打印", PUB, PERSON, 3, 1, FULL, "one_step",
     keywords="社保证明 参保证明 社保缴费记录 社保清单 打印社保",
     materials=["$id", "$agent"],
     form=["record_type:证明种类:select:参保缴费证明/个人权益记录/养老保险缴费明细",
           "period_from:起始年月:date", "purpose:用途:select:购房/落户/入学/其他"],
     conditions="参保人员可随时查询、打印本人的社会保险参保缴费记录。",
     basis="《社会保险个人权益记录管理办法》", delivery="we")
item("RS", 23, "社会保障卡申领", PUB, PERSON, 20, 5, FULL, "one_step",
     keywords="社保卡 第一次办社保卡 新生儿社保卡 申领社保卡",
     materials=["$id", "$photo"],
     form=["applicant_type:申领人类别:select:首次参保人员/新生儿/学生/其他", "bank:合作银行:select:工商银行/农业银行/中国银行/建设银行/农商银行",
           "delivery:领卡方式:select:窗口领取/邮寄到家", "$phone"],
     conditions="参加社会保险的人员和本县户籍居民，可以申领社会保障卡。",
     basis="《中华人民共和国社会保险法》《社会保障卡管理办法》", delivery="wp")
item("RS", 24, "企业实行不定时工作制和综合计算工时工作制审批", LIC, ORG, 20, 10, FULL, "two_step",
     keywords="综合工时 不定时工作制 特殊工时",
     materials=["E:特殊工时工作制申请表|pdf", "$license", "E:职工代表大会或工会意见|pdf", "E:实施方案及岗位名单|pdf,xlsx"],
     form=["$company", "scheme:申请工时制度:select:综合计算工时工作制/不定时工作制", "positions:涉及岗位:textarea",
           "employees:涉及职工人数:number"],
     conditions="企业因生产特点不能实行标准工时制度，并保障职工休息休假权利。",
     basis="《中华人民共和国劳动法》《关于企业实行不定时工作制和综合计算工时工作制的审批办法》")
item("RS", 25, "人力资源服务许可", LIC, ORG, 20, 10, ONCE, "two_step",
     keywords="职业介绍 中介 人力资源公司 招聘中介 劳务中介",
     materials=["E:人力资源服务许可申请书|pdf", "$license", "$premises", "C:专职工作人员名单及资格证明|pdf"],
     form=["$company", "$premises", "service_scope:服务范围:select:职业中介/人才推荐/人员招聘/劳务外包", "$phone"],
     conditions="有明确的章程和管理制度，有开展业务必备的固定场所、办公设施和开办资金，有 5 名以上熟悉法规的专职工作人员。",
     basis="《人力资源市场暂行条例》")
item("RS", 26, "被征地农民养老保障参保登记", CONF, PERSON, 20, 10, ONCE, "handoff:ZRZY",
     keywords="征地 被征地 失地农民 征地养老",
     materials=["$id", "$hukou", "E:被征地农民身份认定名单|pdf"],
     form=["village:所在村:text", "land_case:征地批次:text", "area:被征收承包地面积（亩）:number", "$phone"],
     conditions="经依法批准征收农民集体所有土地，被征地时享有土地承包经营权且在册的农业人口。",
     basis="《中华人民共和国土地管理法》《国务院办公厅转发劳动保障部关于做好被征地农民就业培训和社会保障工作指导意见的通知》")

# ---------------------------------------------------------------- 医疗保障 YB
item("YB", 1, "异地就医备案", FIL, PERSON, 5, 1, FULL, "one_step",
     keywords="异地就医 外地看病 跨省就医 转诊 医保备案 异地报销 异地安置",
     materials=["$id", "?E:异地居住或转诊证明（居住证、工作证明或转诊单）|pdf,jpg|长期驻外、转诊人员提供"],
     form=["insurance_type:参保类型:select:职工医保/城乡居民医保", "record_type:备案类型:select:异地长期居住/常驻异地工作/异地转诊/临时外出就医",
           "destination:就医地:text", "start_date:备案开始日期:date", "$phone"],
     conditions="参加本县基本医疗保险、需跨统筹地区就医的参保人员，就医前办理备案（可补办）。",
     basis="《国家医保局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》", delivery="e")
item("YB", 2, "城乡居民基本医疗保险参保登记", CONF, PERSON, 5, 1, FULL, "one_step",
     keywords="医保 农村医保 新农合 居民医保 交医保 参加医保 医疗保险",
     materials=["$id", "$hukou"],
     form=["insured_type:参保人员类别:select:城乡居民/学生儿童/大学生/新生儿", "village:所在村（社区）:text",
           "?special:特殊人群身份:select:无/特困人员/低保对象/防止返贫监测对象/重度残疾人", "$phone"],
     conditions="未参加职工基本医疗保险的本县城乡居民（含持居住证的常住人口），在集中参保期或符合条件时参保。",
     basis="《中华人民共和国社会保险法》《国务院关于整合城乡居民基本医疗保险制度的意见》")
item("YB", 3, "职工基本医疗保险参保登记", CONF, BOTH, 5, 1, FULL, "one_step",
     keywords="职工医保 单位医保 员工医保 医保增员",
     materials=["$license", "E:参保人员增减变动花名册|xlsx,pdf"],
     form=["$company", "employees:新增参保人数:number", "start_month:参保起始年月:date", "$contact", "$phone"],
     conditions="用人单位（含有雇工的个体工商户）应当自用工之日起 30 日内为职工办理职工基本医疗保险参保登记。",
     basis="《中华人民共和国社会保险法》")
item("YB", 4, "新生儿参保登记", CONF, PERSON, 5, 1, FULL, "one_step",
     keywords="新生儿医保 宝宝医保 孩子参保 婴儿医保",
     materials=["O:出生医学证明|jpg,png,pdf", "$hukou", "C:父母居民身份证|jpg,png,pdf"],
     form=["baby_name:新生儿姓名:text", "birth_date:出生日期:date", "guardian_name:监护人姓名:text", "$phone"],
     conditions="新生儿在出生 90 日内参保并缴费的，自出生之日起享受城乡居民医保待遇。",
     basis="《国家医保局 财政部 国家税务总局关于做好城乡居民基本医疗保障工作的通知》")
item("YB", 5, "生育津贴申领", BEN, PERSON, 20, 10, FULL, "two_step",
     keywords="生育津贴 产假工资 生育保险 生孩子报销 生育险",
     materials=["$id", "O:出生医学证明|jpg,png,pdf", "E:住院病历首页及出院小结|pdf,jpg", "$bank"],
     form=["employer_name:所在单位:text", "delivery_date:分娩日期:date", "delivery_type:分娩方式:select:顺产/剖宫产/流产",
           "babies:胎数:number", "$bank_account"],
     conditions="参加职工基本医疗保险（生育保险）的职工，生育或者施行计划生育手术，符合规定缴费条件的，按规定享受生育津贴。",
     basis="《中华人民共和国社会保险法》第五十四条至第五十六条")
item("YB", 6, "生育医疗费用报销", BEN, PERSON, 20, 10, FULL, "two_step",
     keywords="生育报销 产检报销 生孩子费用 分娩报销",
     materials=["$id", "$bills", "O:出生医学证明|jpg,png,pdf", "$bank"],
     form=["insurance_type:参保类型:select:职工医保/城乡居民医保", "hospital:分娩医院:text", "amount:医疗总费用（元）:number",
           "$bank_account"],
     conditions="参保人员在非定点医疗机构或未直接结算发生的符合规定的生育医疗费用，可申请报销。",
     basis="《中华人民共和国社会保险法》")
item("YB", 7, "医疗费用手工（零星）报销", BEN, PERSON, 30, 15, ONCE, "two_step",
     keywords="医保报销 看病报销 垫付报销 医药费报销 没刷医保卡",
     materials=["$id", "$bills", "?E:急诊或异地就医情况说明|pdf,jpg", "$bank"],
     form=["insurance_type:参保类型:select:职工医保/城乡居民医保", "hospital:就诊医疗机构:text",
           "treatment:就诊类型:select:住院/门诊慢特病/急诊/普通门诊", "amount:医疗总费用（元）:number", "$bank_account"],
     conditions="参保人员因急诊、异地就医未直接结算或其他特殊原因全额垫付的合规医疗费用。",
     basis="《中华人民共和国社会保险法》《医疗保障基金使用监督管理条例》")
item("YB", 8, "门诊慢特病待遇认定", CONF, PERSON, 20, 10, ONCE, "two_step",
     keywords="慢性病 慢病卡 特殊病 门诊慢特病 高血压 糖尿病 尿毒症 透析",
     materials=["$id", "E:二级以上医疗机构诊断证明及相关检查报告|pdf,jpg", "E:门诊慢特病认定申请表|pdf"],
     form=["disease:病种:select:高血压/糖尿病/恶性肿瘤门诊治疗/尿毒症透析/器官移植术后/精神障碍/其他",
           "hospital:诊断医院:text", "diagnosed_on:确诊日期:date", "$phone"],
     conditions="参保人员经二级以上定点医疗机构确诊患有规定的门诊慢特病病种，符合认定标准。",
     basis="《国家医保局 财政部关于建立医疗保障待遇清单制度的意见》及本省门诊慢特病管理办法")
item("YB", 9, "医疗救助申请", BEN, PERSON, 30, 15, ONCE, "handoff:MZ",
     keywords="医疗救助 看病困难 大病救助 看不起病 医药费太高 因病致贫",
     materials=["$id", "$bills", "E:医保结算单|pdf,jpg", "E:困难身份证明（低保、特困证明等）|pdf,jpg", "$bank"],
     form=["aid_type:救助对象类别:select:特困人员/低保对象/低保边缘家庭成员/防返贫监测对象/因病致贫重病患者",
           "out_of_pocket:政策范围内自付费用（元）:number", "hospital:就诊医疗机构:text", "$bank_account"],
     conditions="医疗救助对象经基本医保、大病保险报销后，政策范围内个人自付医疗费用仍有困难的。",
     basis="《社会救助暂行办法》《国务院办公厅关于健全重特大疾病医疗保险和救助制度的意见》")
item("YB", 10, "基本医疗保险关系转移接续", CONF, PERSON, 45, 15, FULL, "one_step",
     keywords="医保转移 医保转过来 换城市 医保关系 医保接续",
     materials=["$id", "E:参保凭证|pdf|转出地出具，已联网的无需提交"],
     form=["from_region:转出地:text", "insurance_type:转入险种:select:职工医保/城乡居民医保", "employer_name:现工作单位:text", "$phone"],
     conditions="参保人员跨统筹地区流动就业，在转入地参保后申请转移接续医保关系。",
     basis="《流动就业人员基本医疗保障关系转移接续暂行办法》")
item("YB", 11, "职工医保个人账户家庭共济备案", FIL, PERSON, 5, 1, FULL, "one_step",
     keywords="家庭共济 医保个人账户 给家人用 医保卡给父母用",
     materials=["$id", "E:与共济人员的关系证明|pdf,jpg|户口簿、结婚证或出生医学证明"],
     form=["member_name:共济人员姓名:text", "member_id:共济人员公民身份号码:text", "relation:关系:select:配偶/父母/子女",
           "$phone"],
     conditions="职工医保参保人员个人账户可用于支付配偶、父母、子女在定点医药机构就医购药的个人负担费用。",
     basis="《国务院办公厅关于建立健全职工基本医疗保险门诊共济保障机制的指导意见》")
item("YB", 12, "参保人员死亡医保个人账户清退", BEN, PERSON, 20, 5, ONCE, "one_step",
     keywords="医保个人账户 医保余额 人去世 医保卡里的钱 继承",
     materials=["$death", "$kin", "$id", "$bank"],
     form=["$deceased", "$deceased_id", "heir_relation:申请人与逝者关系:select:配偶/子女/父母/其他继承人", "$bank_account"],
     conditions="职工医保参保人员死亡的，其个人账户余额可以依法继承。",
     basis="《中华人民共和国社会保险法》及本省职工医保个人账户管理办法")
item("YB", 13, "定点医药机构申请", LIC, ORG, 60, 30, ONCE, "site_check",
     keywords="医保定点 定点药店 定点诊所 刷医保卡",
     materials=["E:定点医药机构申请表|pdf", "C:医疗机构执业许可证或药品经营许可证|pdf,jpg", "$license",
                "E:医保管理制度及信息系统说明|pdf"],
     form=["institution_name:机构名称:text", "institution_type:机构类型:select:诊所/门诊部/医院/零售药店", "$premises",
           "operated_since:正式运营日期:date"],
     conditions="正式运营至少 3 个月，有医保专（兼）职管理人员，医保管理制度和信息系统符合要求。",
     basis="《医疗机构医疗保障定点管理暂行办法》《零售药店医疗保障定点管理暂行办法》")

# ---------------------------------------------------------------- 住房公积金 GJJ
item("GJJ", 1, "住房公积金提取（购买自住住房）", BEN, PERSON, 5, 1, FULL, "one_step",
     keywords="公积金提取 取公积金 买房提公积金 公积金取出来 公积金",
     materials=["$id", "E:购房合同及购房发票|pdf,jpg", "$property", "$bank"],
     form=["house_address:房屋坐落:text", "purchase_type:购房类型:select:新建商品房/二手房/自建房", "amount:申请提取金额（元）:number",
           "$bank_account"],
     conditions="购买、建造、翻建、大修自住住房的缴存职工及其配偶，可在购房行为发生之日起一年内申请提取。",
     basis="《住房公积金管理条例》第二十四条")
item("GJJ", 2, "住房公积金提取（租房）", BEN, PERSON, 5, 1, FULL, "one_step",
     keywords="租房提取公积金 公积金付房租 公积金租房",
     materials=["$id", "E:房屋租赁合同或租赁登记备案证明|pdf,jpg", "$bank"],
     form=["rental_address:租住房屋地址:text", "monthly_rent:月租金（元）:number", "no_own_house:本人及配偶在本县是否无自有住房:select:是/否",
           "$bank_account"],
     conditions="职工及配偶在本县无自有住房且租房自住的，可按规定额度提取。",
     basis="《住房公积金管理条例》《关于放宽提取住房公积金支付房租条件的通知》")
item("GJJ", 3, "住房公积金提取（离休、退休）", BEN, PERSON, 5, 1, FULL, "one_step",
     keywords="退休提公积金 退休取公积金 公积金销户",
     materials=["$id", "E:离休、退休证明或养老金领取证明|pdf,jpg", "$bank"],
     form=["retired_on:退休日期:date", "employer_name:原工作单位:text", "$bank_account"],
     conditions="职工离休、退休的，可以提取本人住房公积金账户全部余额并销户。",
     basis="《住房公积金管理条例》第二十四条")
item("GJJ", 4, "住房公积金提取（职工死亡）", BEN, PERSON, 10, 3, ONCE, "two_step",
     keywords="人去世 公积金继承 死亡提取公积金 老人去世公积金",
     materials=["$death", "$kin", "$id", "$bank"],
     form=["$deceased", "$deceased_id", "heir_relation:申请人与逝者关系:select:配偶/子女/父母/其他继承人",
           "$bank_account"],
     conditions="职工死亡或者被宣告死亡的，职工的继承人、受遗赠人可以提取职工住房公积金账户内的存储余额。",
     basis="《住房公积金管理条例》第二十四条")
item("GJJ", 5, "住房公积金个人住房贷款", OTHER, PERSON, 20, 10, ONCE, "three_step",
     keywords="公积金贷款 买房贷款 房贷 公积金买房",
     materials=["$id", "E:购房合同|pdf", "E:首付款凭证|pdf,jpg", "E:婚姻状况证明|pdf|已共享的可免提交", "E:收入证明|pdf"],
     form=["house_address:购房地址:text", "house_price:房屋总价（万元）:number", "loan_amount:申请贷款额度（万元）:number",
           "loan_years:贷款年限:number", "$phone"],
     conditions="连续足额缴存住房公积金 6 个月以上，购买本县自住住房，无未还清的住房公积金贷款。",
     basis="《住房公积金管理条例》第二十六条", location="县政务服务中心 18 号窗口（住房公积金）及受托银行")
item("GJJ", 6, "住房公积金单位缴存登记", CONF, BOTH, 5, 1, FULL, "one_step",
     keywords="单位开户 公积金开户 给员工交公积金",
     materials=["E:住房公积金单位缴存登记表|pdf", "$license", "E:职工名册及缴存基数|xlsx,pdf"],
     form=["$company", "employees:缴存职工人数:number", "rate:缴存比例（%）:number", "$contact", "$phone"],
     conditions="新设立的单位应当自设立之日起 30 日内办理住房公积金缴存登记，并为本单位职工办理个人账户设立；企业开办时可由设立人一并申请。",
     basis="《住房公积金管理条例》第十四条、第十五条")
item("GJJ", 7, "灵活就业人员住房公积金自愿缴存", CONF, PERSON, 5, 1, FULL, "one_step",
     keywords="个体户公积金 自由职业公积金 灵活就业公积金 自己交公积金",
     materials=["$id", "E:灵活就业人员自愿缴存协议|pdf", "$bank"],
     form=["monthly_base:月缴存基数（元）:number", "pay_way:缴存方式:select:按月/按季/按年", "$bank_account", "$phone"],
     conditions="在本县灵活就业、年满 16 周岁且未达到法定退休年龄的个体工商户、自由职业者等。",
     basis="《住房公积金管理条例》及本市灵活就业人员缴存使用办法")
item("GJJ", 8, "住房公积金转移接续", CONF, PERSON, 10, 3, FULL, "one_step",
     keywords="公积金转移 公积金转入 换工作公积金 异地公积金",
     materials=["$id", "E:新单位缴存证明|pdf"],
     form=["from_centre:原缴存地公积金中心:text", "old_account:原个人账号:text", "new_employer:现缴存单位:text", "$phone"],
     conditions="职工跨统筹地区就业，在转入地已建立个人账户的，可申请异地转移接续。",
     basis="《住房公积金管理条例》《全国住房公积金异地转移接续业务操作规程》")
item("GJJ", 9, "住房公积金缴存证明出具", PUB, PERSON, 3, 1, FULL, "one_step",
     keywords="公积金证明 公积金缴存证明 公积金明细 贷款用证明",
     materials=["$id", "$agent"],
     form=["purpose:用途:select:贷款/落户/入学/其他", "period_from:起始年月:date", "receiving_unit:提交单位:text"],
     conditions="缴存职工可申请出具本人住房公积金缴存情况证明。",
     basis="《住房公积金管理条例》", delivery="we")

# ---------------------------------------------------------------- 民政 MZ（续）
item("MZ", 11, "内地居民离婚登记", CONF, PERSON, 60, 30, ONSITE, "one_step",
     keywords="离婚 协议离婚 离婚冷静期 离婚证 办离婚",
     materials=["$hukou", "$id", "$marriage", "E:离婚协议书|pdf,doc,docx|双方签名"],
     form=["spouse_name:对方姓名:text", "spouse_id:对方公民身份号码:text", "marriage_date:结婚登记日期:date",
           "step:办理环节:select:提交离婚登记申请/冷静期满后申请发给离婚证", "$phone"],
     conditions="双方自愿离婚并对子女抚养、财产及债务处理等事项协商一致，双方亲自到婚姻登记机关申请；提交申请之日起 30 日冷静期满后 30 日内双方亲自申请发给离婚证。",
     basis="《中华人民共和国民法典》第一千零七十六条至第一千零七十八条《婚姻登记条例》", delivery="w",
     location="县民政局婚姻登记处（县政务服务中心一楼）")
item("MZ", 12, "补领婚姻登记证", CONF, PERSON, 20, 5, ONSITE, "two_step",
     keywords="结婚证丢了 补结婚证 离婚证丢了 补领结婚证 婚姻登记证遗失",
     materials=["$hukou", "$id", "$photo", "?E:婚姻登记档案查询证明|pdf|非本处登记的提供"],
     form=["certificate_type:补领证件:select:结婚证/离婚证", "registered_on:原登记日期:date",
           "registered_at:原登记机关:text", "spouse_name:配偶（原配偶）姓名:text", "$phone"],
     conditions="当事人结婚证、离婚证遗失或者损毁的，可以凭居民户口簿、身份证向原办理婚姻登记的机关或者一方常住户口所在地的婚姻登记机关申请补领。",
     basis="《婚姻登记条例》第十七条", delivery="w", location="县民政局婚姻登记处（县政务服务中心一楼）")
item("MZ", 13, "收养登记", CONF, PERSON, 30, 20, ONSITE, "three_step",
     keywords="收养 领养 抱养孩子 收养孩子",
     materials=["$hukou", "$id", "E:收养人婚姻状况、有无子女和抚养教育能力证明|pdf", "E:县级以上医疗机构出具的健康检查证明|pdf",
                "E:送养人同意送养的书面意见或被收养人生父母不明的证明|pdf"],
     form=["adoptee_name:被收养人姓名:text", "adoptee_birth:被收养人出生日期:date", "adoptee_type:被收养人情况:select:丧失父母的孤儿/查找不到生父母的未成年人/生父母有特殊困难无力抚养的子女",
           "$phone"],
     conditions="收养人无子女或者只有一名子女，有抚养、教育和保护被收养人的能力，未患有医学上认为不应当收养子女的疾病，无不利于被收养人健康成长的违法犯罪记录，年满三十周岁。",
     basis="《中华人民共和国民法典》婚姻家庭编第五章《中国公民收养子女登记办法》")
item("MZ", 14, "孤儿基本生活费发放", BEN, PERSON, 30, 20, ONCE, "three_step",
     keywords="孤儿 孤儿补助 没爹没妈 孤儿生活费",
     materials=["$hukou", "E:父母死亡证明或宣告死亡、失踪的判决书|pdf,jpg", "E:监护人身份证明及监护关系证明|pdf,jpg", "$bank"],
     form=["child_name:儿童姓名:text", "child_birth:出生日期:date", "guardian_name:监护人姓名:text", "$bank_account"],
     conditions="失去父母、查找不到生父母的未满 18 周岁的未成年人，由监护人向户籍所在地乡镇（街道）提出申请。",
     basis="《国务院办公厅关于加强孤儿保障工作的意见》")
item("MZ", 15, "事实无人抚养儿童认定", CONF, PERSON, 30, 20, ONCE, "three_step",
     keywords="留守儿童 父母服刑 无人抚养 困境儿童",
     materials=["$hukou", "E:父母重残、重病、服刑、失联等情况证明|pdf,jpg", "E:监护人身份证明|pdf,jpg"],
     form=["child_name:儿童姓名:text", "situation:父母情况:select:双方重残或重病/服刑在押/强制隔离戒毒/失联/一方死亡另一方符合上述情形",
           "guardian_name:实际监护人:text", "$phone"],
     conditions="父母双方均符合重残、重病、服刑在押、强制隔离戒毒、被执行其他限制人身自由的措施、失联情形之一的儿童。",
     basis="《民政部等 12 部门关于进一步加强事实无人抚养儿童保障工作的意见》")
item("MZ", 16, "经济困难老年人养老服务补贴申领", BEN, PERSON, 30, 15, ONCE, "two_step",
     keywords="养老服务补贴 居家养老补贴 困难老人 失能老人补贴",
     materials=["$id", "$hukou", "E:老年人能力评估报告|pdf", "$bank"],
     form=["elder_name:老年人姓名:text", "care_level:能力评估等级:select:能力完好/轻度失能/中度失能/重度失能",
           "family_type:家庭类型:select:低保家庭/低保边缘家庭/特困人员/其他", "$bank_account"],
     conditions="本县户籍、年满 60 周岁、属于低保或低保边缘等经济困难家庭，经能力评估为失能、半失能的老年人。",
     basis="《中华人民共和国老年人权益保障法》及本省养老服务补贴制度")
item("MZ", 17, "养老机构备案", FIL, ORG, 10, 3, FULL, "one_step",
     keywords="养老院 敬老院 开养老院 养老机构 老年公寓",
     materials=["E:养老机构备案书|pdf", "C:登记证书或营业执照|pdf,jpg", "$premises", "E:消防安全、食品安全符合要求的承诺|pdf"],
     form=["institution_name:养老机构名称:text", "$premises", "beds:床位数:number", "$contact", "$phone"],
     conditions="设立养老机构，应当在收住老年人后 10 个工作日以内向县级民政部门备案。",
     basis="《中华人民共和国老年人权益保障法》《养老机构管理办法》")
item("MZ", 18, "低收入人口认定", CONF, PERSON, 30, 20, ONCE, "three_step",
     keywords="低保边缘 低收入家庭 刚性支出困难 支出型困难",
     materials=["$id", "$hukou", "E:家庭收入、财产状况说明及授权核对书|pdf"],
     form=["household_size:共同生活家庭成员人数:number", "monthly_income:家庭月总收入（元）:number",
           "type:申请类别:select:低保边缘家庭/刚性支出困难家庭", "$address", "$phone"],
     conditions="家庭人均收入低于当地低保标准 1.5 倍、财产状况符合规定，或因病、因学等刚性支出较大导致生活困难的。",
     basis="《社会救助暂行办法》《民政部关于印发〈最低生活保障边缘家庭和刚性支出困难家庭认定办法〉的通知》")
item("MZ", 19, "遗体火化服务", PUB, PERSON, 3, 1, ONSITE, "one_step",
     keywords="火化 殡仪馆 人去世 办丧事 遗体火化 后事 老人去世",
     materials=["$death", "O:逝者居民身份证或户口簿|jpg,png,pdf", "$id"],
     form=["$deceased", "$death_date", "pickup_address:遗体接运地址:text", "cremation_date:预约火化日期:date", "$phone"],
     conditions="在本县死亡的人员，凭死亡证明由家属委托殡仪馆接运、火化遗体；遗体火化后出具火化证明。",
     basis="《殡葬管理条例》", fee="基本殡葬服务费用按县定标准收取，本县户籍居民可申请减免",
     location="县殡仪馆（24 小时服务电话 96111）", hours="全天 24 小时", delivery="w")
item("MZ", 20, "社会团体注销登记", LIC, ORG, 30, 10, ONCE, "two_step",
     keywords="注销社团 协会注销 商会注销",
     materials=["E:社会团体注销登记申请书|pdf", "E:业务主管单位审查文件|pdf", "E:清算报告|pdf", "O:社会团体法人登记证书正副本|pdf,jpg"],
     form=["org_name:社会团体名称:text", "reason:注销原因:select:完成宗旨/自行解散/分立合并/其他", "liquidator:清算负责人:text", "$phone"],
     conditions="社会团体完成章程规定宗旨、自行解散、分立合并或因其他原因终止的，在清算结束后 15 日内申请注销登记。",
     basis="《社会团体登记管理条例》")
item("MZ", 21, "慈善组织公开募捐资格审核", LIC, ORG, 20, 15, ONCE, "three_step",
     keywords="募捐 公开募捐 慈善 捐款",
     materials=["E:公开募捐资格申请书|pdf", "C:登记证书|pdf,jpg", "E:内部治理结构、财务审计报告|pdf", "E:公开募捐方案|pdf"],
     form=["org_name:慈善组织名称:text", "registered_years:登记满年数:number", "$contact", "$phone"],
     conditions="依法登记满一年的慈善组织，内部治理结构健全、运作规范，可以申请公开募捐资格。",
     basis="《中华人民共和国慈善法》《慈善组织公开募捐管理办法》")
item("MZ", 22, "老年人优待证办理", PUB, PERSON, 5, 1, FULL, "one_step",
     keywords="老年证 老人证 免费坐公交 老年人优待",
     materials=["$id", "$photo"],
     form=["elder_name:老年人姓名:text", "birth_date:出生日期:date", "delivery:领证方式:select:窗口领取/邮寄到家", "$phone"],
     conditions="本县户籍或持本县居住证、年满 60 周岁的老年人。",
     basis="《中华人民共和国老年人权益保障法》及本省老年人优待办法", delivery="wpe")
item("MZ", 23, "困境儿童基本生活保障", BEN, PERSON, 30, 20, ONCE, "three_step",
     keywords="困境儿童 重病儿童 残疾儿童补助",
     materials=["$hukou", "E:儿童重病、重残或家庭困难证明|pdf,jpg", "$bank"],
     form=["child_name:儿童姓名:text", "situation:困境类型:select:重残儿童/重病儿童/低保家庭儿童/其他", "guardian_name:监护人:text",
           "$bank_account"],
     conditions="因家庭经济贫困、自身残疾或监护缺失等原因，生存、发展和安全受到威胁的本县户籍儿童。",
     basis="《国务院关于加强困境儿童保障工作的意见》")
item("MZ", 24, "流浪乞讨人员救助", PUB, PERSON, 3, 1, ONSITE, "one_step",
     keywords="流浪 乞讨 没钱回家 救助站 回家路费",
     materials=["?E:本人身份证明或情况说明|pdf,jpg|无证件的如实陈述", "E:救助求助登记表|pdf"],
     form=["name_given:姓名:text", "hometown:户籍地或想去的地方:text", "need:需要的帮助:select:临时住宿/饮食/返乡车票/就医/其他"],
     conditions="自身无力解决食宿、无亲友投靠、不享受城市最低生活保障或者农村五保供养、正在城市流浪乞讨度日的人员。",
     basis="《城市生活无着的流浪乞讨人员救助管理办法》", location="县救助管理站（24 小时服务）", hours="全天 24 小时", delivery="w")
item("MZ", 25, "居民家庭经济状况核对", PUB, PERSON, 15, 7, FULL, "one_step",
     keywords="经济状况核对 家庭收入核对 困难证明 贫困证明",
     materials=["$id", "E:家庭经济状况核对授权书|pdf|全体家庭成员签名"],
     form=["household_size:家庭成员人数:number", "purpose:核对用途:select:社会救助/保障性住房/教育资助/医疗救助", "$phone"],
     conditions="申请社会救助、保障性住房等需要核对家庭经济状况的，经家庭成员书面授权后核对。",
     basis="《社会救助暂行办法》")

# ---------------------------------------------------------------- 卫健 WJ（续）
item("WJ", 10, "居民死亡医学证明（推断）书签发", PUB, PERSON, 3, 1, ONSITE, "one_step",
     keywords="死亡证明 开死亡证明 死亡医学证明 人去世 在家去世 老人去世",
     materials=["O:逝者居民身份证或户口簿|jpg,png,pdf", "$id", "?E:病历资料|pdf,jpg|有就诊记录的提供"],
     form=["$deceased", "$deceased_id", "$death_date", "death_place:死亡地点:select:医疗机构/家中/养老机构/其他场所",
           "$phone"],
     conditions="在医疗机构死亡的由该机构出具；在家中、养老机构死亡的，由负责救治或正常死亡调查的基层医疗卫生机构出具；非正常死亡由公安机关处理。",
     basis="《国家卫生健康委 公安部 民政部关于进一步规范人口死亡医学证明和信息登记管理工作的通知》",
     location="死亡地所在乡镇卫生院或社区卫生服务中心", delivery="w")
item("WJ", 11, "计划生育家庭特别扶助金申领", BEN, PERSON, 60, 30, ONCE, "three_step",
     keywords="失独 独生子女死亡 特别扶助 计生扶助 独生子女伤残",
     materials=["$id", "$hukou", "E:独生子女证或计划生育情况证明|pdf,jpg", "E:子女死亡证明或伤残证明|pdf,jpg"],
     form=["birth_date:出生日期:date", "child_situation:子女情况:select:独生子女死亡/独生子女三级以上残疾", "village:所在村（社区）:text",
           "$phone"],
     conditions="1933 年 1 月 1 日以后出生、女方年满 49 周岁、只生育一个子女或合法收养一个子女，现无存活子女或独生子女被依法鉴定为残疾（三级以上）的夫妻。",
     basis="《中华人民共和国人口与计划生育法》《全国独生子女伤残死亡家庭扶助制度试点方案》")
item("WJ", 12, "农村部分计划生育家庭奖励扶助金申领", BEN, PERSON, 60, 30, ONCE, "three_step",
     keywords="奖励扶助 计生奖励 独生子女奖励 农村计生",
     materials=["$id", "$hukou", "E:生育情况证明|pdf,jpg"],
     form=["birth_date:出生日期:date", "children:子女数:number", "village:所在村:text", "$phone"],
     conditions="本人及配偶均为农业户口或界定为农村居民户口，1973 年至 2001 年间没有违反计划生育规定生育，现存一个子女或两个女孩或子女死亡现无子女，年满 60 周岁。",
     basis="《中华人民共和国人口与计划生育法》")
item("WJ", 13, "医师执业变更注册", LIC, PERSON, 20, 5, FULL, "one_step",
     keywords="医师变更 多点执业 换医院 执业地点变更",
     materials=["E:医师变更执业注册申请审核表|pdf", "C:医师资格证书|pdf,jpg", "C:医师执业证书|pdf,jpg", "E:拟执业机构聘用证明|pdf"],
     form=["doctor_name:医师姓名:text", "new_institution:拟执业机构:text", "practice_scope:执业范围:select:内科/外科/妇产科/儿科/全科医学/中医/其他",
           "$phone"],
     conditions="医师变更执业地点、执业类别、执业范围等注册事项的，应当到准予注册的卫生健康主管部门办理变更注册。",
     basis="《中华人民共和国医师法》《医师执业注册管理办法》")
item("WJ", 14, "诊所备案", FIL, BOTH, 10, 3, ONCE, "site_check",
     keywords="开诊所 诊所备案 个体诊所 中医诊所",
     materials=["E:诊所备案信息表|pdf", "C:诊所主要负责人医师执业证书|pdf,jpg", "$premises", "E:诊所规章制度及设备清单|pdf"],
     form=["clinic_name:诊所名称:text", "$premises", "departments:诊疗科目:textarea", "doctors:医师人数:number"],
     conditions="符合诊所基本标准，主要负责人取得医师执业证书且执业满规定年限，实行备案管理的诊所。",
     basis="《医疗机构管理条例》《诊所备案管理暂行办法》")
item("WJ", 15, "预防接种证补办", PUB, PERSON, 5, 1, ONSITE, "one_step",
     keywords="疫苗本 接种证 打疫苗的本子丢了 疫苗证 入学查验",
     materials=["$hukou", "O:监护人居民身份证|jpg,png,pdf"],
     form=["child_name:儿童姓名:text", "child_birth:出生日期:date", "reason:补办原因:select:遗失/损坏/入学查验需要", "$phone"],
     conditions="儿童预防接种证遗失或损坏的，由监护人到现居住地接种单位补办，接种记录按信息系统补录。",
     basis="《中华人民共和国疫苗管理法》《预防接种工作规范》", location="现居住地乡镇卫生院或社区卫生服务中心预防接种门诊",
     delivery="w")
item("WJ", 16, "从业人员预防性健康检查", PUB, PERSON, 10, 3, ONSITE, "one_step",
     keywords="健康证 办健康证 食品健康证 从业人员体检",
     materials=["$id", "$photo"],
     form=["industry:从业行业:select:食品生产经营/公共场所/生活饮用水/化妆品/其他", "employer_name:工作单位或店铺:text", "$phone"],
     conditions="食品生产经营、公共场所等直接为顾客服务的从业人员，上岗前和每年进行健康检查，取得健康证明后方可从业。",
     basis="《中华人民共和国食品安全法》第四十五条《公共场所卫生管理条例》", fee="按物价部门核定的标准收取",
     location="县疾病预防控制中心健康体检门诊")
item("WJ", 17, "出生医学证明首次签发", PUB, PERSON, 5, 1, ONSITE, "one_step",
     keywords="出生证 出生医学证明 宝宝出生证 新生儿出生证",
     materials=["C:父母居民身份证|jpg,png,pdf", "E:新生儿出生信息登记表|pdf"],
     form=["baby_name:新生儿姓名:text", "birth_date:出生日期:date", "hospital:出生医疗机构:text", "$phone"],
     conditions="在本县依法取得助产技术服务资质的医疗机构内出生的新生儿，由出生机构签发出生医学证明。",
     basis="《中华人民共和国母婴保健法》《出生医学证明管理办法》", location="新生儿出生的助产医疗机构", delivery="w")

# ---------------------------------------------------------------- 教育 JY（续）
item("JY", 7, "义务教育阶段转学申请", PUB, PERSON, 15, 5, FULL, "two_step",
     keywords="转学 换学校 孩子转学 随迁子女转学",
     materials=["$hukou", "E:学生学籍信息或原学校转出证明|pdf,jpg", "E:转入理由证明（房产、居住证等）|pdf,jpg"],
     form=["student_name:学生姓名:text", "current_school:现就读学校:text", "grade:年级:select:一年级/二年级/三年级/四年级/五年级/六年级/七年级/八年级/九年级",
           "target_school:拟转入学校:text", "$phone"],
     conditions="因户籍迁移、家庭住址变动、父母工作调动等原因需要转学的义务教育阶段学生，转入学校有学位。",
     basis="《中华人民共和国义务教育法》《中小学生学籍管理办法》")
item("JY", 8, "幼儿园入园报名（公办园）", PUB, PERSON, 20, 10, FULL, "one_step",
     keywords="上幼儿园 入园 幼儿园报名 小班报名",
     materials=["$hukou", "O:监护人居民身份证|jpg,png,pdf", "?E:房产证明或居住证|pdf,jpg"],
     form=["child_name:幼儿姓名:text", "child_birth:出生日期:date", "kindergarten:意向幼儿园:text", "$address", "$phone"],
     conditions="年满 3 周岁的适龄幼儿，按本县公办幼儿园招生片区和时间报名。",
     basis="《中华人民共和国学前教育法》及本县学前教育招生办法")
item("JY", 9, "中等职业学校国家助学金和免学费申请", BEN, PERSON, 30, 20, ONCE, "two_step",
     keywords="中职免学费 职高 职业学校 技校补助 助学金",
     materials=["$id", "E:学籍证明|pdf", "?E:家庭经济困难证明|pdf,jpg|申请助学金的提供", "$bank"],
     form=["student_name:学生姓名:text", "school:就读学校:text", "grade:年级:select:一年级/二年级/三年级", "$bank_account"],
     conditions="中等职业学校全日制正式学籍学生免学费；一、二年级家庭经济困难学生可申请国家助学金。",
     basis="《中等职业学校国家助学金管理办法》《中等职业学校免学费补助资金管理办法》")
item("JY", 10, "教师资格证书补发换发", PUB, PERSON, 20, 5, FULL, "one_step",
     keywords="教师资格证丢了 教资证书补办 教师证补办",
     materials=["$id", "E:补发换发申请表|pdf", "?O:原教师资格证书|pdf,jpg|换发时提供"],
     form=["certificate_no:教师资格证书编号:text", "reason:申请原因:select:遗失/损毁/姓名或身份证号变更", "delivery_address:邮寄地址:text",
           "$phone"],
     conditions="教师资格证书遗失、损毁或证书记载信息变更的，向原发证机关申请补发或换发。",
     basis="《教师资格条例》《〈教师资格条例〉实施办法》", delivery="wp")
item("JY", 11, "校外培训机构设立审批（非学科类）", LIC, ORG, 30, 20, ONCE, "joint_review:XF,SCJG",
     keywords="培训班 舞蹈班 美术班 兴趣班 培训机构 艺术培训",
     materials=["E:办学申请报告|pdf", "E:举办者资格证明|pdf", "$premises", "E:章程及管理制度|pdf", "C:教学人员资格证明|pdf"],
     form=["school_name:机构名称:text", "category:培训类别:select:艺术类/体育类/科技类/研学类", "$premises",
           "area:教学用房面积（平方米）:number", "teachers:专职教学人员数:number"],
     conditions="有符合要求的举办者、场所、教学人员和章程，校舍符合消防、卫生安全要求，不开展学科类培训。",
     basis="《中华人民共和国民办教育促进法》《校外培训行政处罚暂行办法》及本省非学科类校外培训机构设置标准")
item("JY", 12, "学历证明书出具", PUB, PERSON, 15, 5, FULL, "one_step",
     keywords="毕业证丢了 学历证明 初中毕业证 高中毕业证遗失",
     materials=["$id", "E:毕业学校证明或学籍档案复印件|pdf,jpg"],
     form=["school:毕业学校:text", "level:学历层次:select:初中/普通高中/中等职业学校", "graduated:毕业年份:number", "$phone"],
     conditions="本县中小学、中等职业学校毕业生毕业证书遗失或损毁的，可申请出具学历证明书。",
     basis="《教育部关于普通中小学毕业证书遗失补办学历证明书的有关规定》")

# ---------------------------------------------------------------- 税务 SW（续）
item("SW", 9, "存量房交易税费申报", OTHER, PERSON, 5, 1, ONCE, "one_step",
     keywords="二手房交税 卖房交税 房屋交易税 个人所得税 增值税 过户交税",
     materials=["$id", "E:存量房买卖合同|pdf", "$property", "?E:家庭唯一生活用房证明或承诺|pdf"],
     form=["house_address:房屋坐落:text", "price:成交价格（万元）:number", "years_owned:持有年限:select:不满2年/满2年不满5年/满5年",
           "only_home:是否家庭唯一住房:select:是/否"],
     conditions="转让存量房的出让方和受让方，在办理不动产转移登记前依法申报缴纳相关税费。",
     basis="《中华人民共和国个人所得税法》《中华人民共和国契税法》《中华人民共和国土地增值税暂行条例》",
     location="县政务服务中心 20 号窗口（不动产登记专区·税务窗口）")
item("SW", 10, "代开增值税发票", PUB, BOTH, 3, 1, FULL, "one_step",
     keywords="代开发票 个人代开发票 劳务发票 临时开票 没有税控 零星开票",
     materials=["$id", "E:合同、协议或付款方证明|pdf,jpg"],
     form=["buyer_name:购买方名称:text", "service:货物或劳务名称:text", "amount:金额（元）:number", "$phone"],
     conditions="已办理税务登记的小规模纳税人及其他依法可以代开发票的单位和个人，发生应税行为需要开具发票的。",
     basis="《中华人民共和国发票管理办法》《国家税务总局关于代开增值税发票有关问题的公告》", delivery="e")
item("SW", 11, "车辆购置税申报", OTHER, BOTH, 3, 1, FULL, "one_step",
     keywords="购置税 买车交税 新车交税",
     materials=["O:机动车销售统一发票|jpg,png,pdf", "O:机动车整车出厂合格证明|jpg,png,pdf", "$id"],
     form=["vin:车辆识别代号:text", "price:不含税价格（元）:number", "exemption:是否申请减免:select:否/新能源汽车减免/其他", "$phone"],
     conditions="购置应税车辆的单位和个人，在向公安机关交通管理部门办理车辆注册登记前，缴纳车辆购置税。",
     basis="《中华人民共和国车辆购置税法》", delivery="e")
item("SW", 12, "跨区域涉税事项报告", FIL, ORG, 3, 1, FULL, "one_step",
     keywords="外出经营 跨区域经营 外经证 异地施工",
     materials=["E:跨区域涉税事项报告表|pdf", "E:外出经营合同|pdf"],
     form=["$company", "destination:经营地:text", "contract_amount:合同金额（万元）:number", "period_end:经营期限截止日:date"],
     conditions="纳税人跨省、自治区、直辖市和计划单列市临时从事生产经营活动的，向机构所在地税务机关填报跨区域涉税事项报告表。",
     basis="《国家税务总局关于创新跨区域涉税事项报验管理制度的通知》", delivery="e")
item("SW", 13, "增值税一般纳税人登记", CONF, ORG, 3, 1, FULL, "one_step",
     keywords="一般纳税人 小规模转一般纳税人 专票",
     materials=["E:增值税一般纳税人登记表|pdf", "$license"],
     form=["$company", "annual_sales:年应税销售额（万元）:number", "effective:生效之日:select:当月1日/次月1日", "$phone"],
     conditions="年应税销售额超过小规模纳税人标准的，或会计核算健全、能够提供准确税务资料的纳税人。",
     basis="《增值税一般纳税人登记管理办法》", delivery="e")
item("SW", 14, "灵活就业人员社会保险费缴纳", OTHER, PERSON, 3, 1, FULL, "one_step",
     keywords="自己交社保 个人交社保 灵活就业社保 社保缴费 交养老保险",
     materials=["$id", "E:灵活就业参保登记回执|pdf"],
     form=["insurance:缴费险种:select:基本养老保险/基本养老保险和基本医疗保险", "base:缴费档次:select:60%/80%/100%/150%/200%/300%",
           "period:缴费方式:select:按月/按季/按年", "$phone"],
     conditions="已在人力社保部门办理灵活就业参保登记的人员，按选定档次向税务部门缴纳社会保险费。",
     basis="《中华人民共和国社会保险法》《社会保险费征缴暂行条例》", delivery="e")
item("SW", 15, "房产税、城镇土地使用税申报", OTHER, BOTH, 5, 1, FULL, "one_step",
     keywords="房产税 土地使用税 出租房交税 厂房交税",
     materials=["E:房产税、城镇土地使用税税源明细表|pdf,xlsx", "$property"],
     form=["taxpayer_name:纳税人名称:text", "house_address:房产坐落:text", "rent:年租金收入（元）:number", "land_area:占地面积（平方米）:number"],
     conditions="在城市、县城、建制镇和工矿区内拥有房产、使用土地的单位和个人，依法申报缴纳。",
     basis="《中华人民共和国房产税暂行条例》《中华人民共和国城镇土地使用税暂行条例》", delivery="e")
item("SW", 16, "注销税务登记", CONF, ORG, 20, 5, FULL, "two_step",
     keywords="税务注销 清税 注销税号 关公司交税",
     materials=["E:注销税务登记申请表|pdf", "E:清缴发票、税款情况说明|pdf", "$license"],
     form=["$company", "reason:注销原因:select:解散/破产/被吊销/迁出本县/其他", "invoices_cancelled:发票是否已缴销:select:是/否", "$phone"],
     conditions="纳税人已结清应纳税款、滞纳金、罚款，缴销发票和税务证件，无未办结涉税事项。",
     basis="《中华人民共和国税收征收管理法》《税务登记管理办法》")

# ---------------------------------------------------------------- 自然资源 ZRZY（续）
BDC = "县政务服务中心 20 号窗口（不动产登记专区）"
item("ZRZY", 11, "不动产权证书补证", CONF, BOTH, 20, 5, ONCE, "two_step",
     keywords="房产证丢了 补房产证 不动产证遗失 房本丢了 补办房产证",
     materials=["$id", "E:不动产权证书遗失声明（网站公告）|pdf,jpg", "E:不动产补证申请书|pdf"],
     form=["house_address:不动产坐落:text", "certificate_no:原不动产权证书号:text", "reason:补证原因:select:遗失/灭失",
           "published_on:遗失声明公告日期:date", "$phone"],
     conditions="不动产权属证书遗失、灭失的，权利人申请补发；遗失声明在门户网站公告 15 个工作日后补发。",
     basis="《不动产登记暂行条例》《不动产登记暂行条例实施细则》第二十二条", location=BDC)
item("ZRZY", 12, "不动产权证书换证", CONF, BOTH, 10, 3, ONCE, "one_step",
     keywords="换房产证 房产证破损 老证换新证 两证合一",
     materials=["$id", "O:原不动产权属证书|pdf,jpg", "E:不动产换证申请书|pdf"],
     form=["house_address:不动产坐落:text", "certificate_no:原证书号:text", "reason:换证原因:select:证书破损/污损/旧版证书换发", "$phone"],
     conditions="不动产权属证书破损、污损的，权利人申请换发；原证书收回。",
     basis="《不动产登记暂行条例实施细则》第二十二条", location=BDC)
item("ZRZY", 13, "不动产变更登记（权利人姓名、地址变更）", CONF, BOTH, 15, 3, FULL, "one_step",
     keywords="房产证改名 房产证地址变更 门牌号变更 不动产变更",
     materials=["$id", "$property", "E:变更依据材料（公安户籍变更证明、门牌号变更证明等）|pdf,jpg"],
     form=["house_address:不动产坐落:text", "change_item:变更事项:select:权利人姓名或名称/身份证明类型或号码/坐落、门牌号/用途",
           "change_after:变更后内容:text", "$phone"], conditions="权利人姓名、名称、身份证明或不动产坐落等登记事项发生变化的，申请变更登记。",
     basis="《不动产登记暂行条例实施细则》第二十六条", location=BDC)
item("ZRZY", 14, "不动产更正登记", CONF, BOTH, 30, 10, ONCE, "two_step",
     keywords="房产证写错 不动产登记错误 更正登记 面积错误",
     materials=["$id", "$property", "E:证实登记确有错误的材料|pdf,jpg"],
     form=["house_address:不动产坐落:text", "wrong_item:错误事项:text", "correct_value:应更正为:text", "$phone"],
     conditions="权利人、利害关系人认为不动产登记簿记载的事项有错误的，可以申请更正登记。",
     basis="《中华人民共和国民法典》第二百二十条《不动产登记暂行条例实施细则》", location=BDC)
item("ZRZY", 15, "预购商品房预告登记", CONF, PERSON, 10, 3, FULL, "one_step",
     keywords="预告登记 期房登记 买期房 按揭备案",
     materials=["$id", "E:已备案的商品房预售合同|pdf", "?E:预告登记约定书|pdf|贷款购房的提供"],
     form=["house_address:预购房屋坐落:text", "developer:开发企业:text", "contract_no:网签备案合同号:text", "$phone"],
     conditions="预购商品房签订预售合同并网签备案后，当事人可以按照约定申请预告登记。",
     basis="《中华人民共和国民法典》第二百二十一条《不动产登记暂行条例实施细则》第八十五条", location=BDC)
item("ZRZY", 16, "宅基地使用权及房屋所有权首次登记", CONF, PERSON, 30, 15, ONCE, "three_step",
     keywords="农房办证 农村房子办证 宅基地确权 农村房产证",
     materials=["$id", "$hukou", "E:宅基地批准文件|pdf,jpg", "E:房屋竣工或符合规划证明|pdf", "E:不动产权籍调查表、宗地图及房屋平面图|pdf"],
     form=["village:所在村:text", "land_area:宅基地面积（平方米）:number", "building_area:房屋建筑面积（平方米）:number", "$phone"],
     conditions="依法取得宅基地使用权并已建成房屋、符合规划或建设要求的，申请宅基地使用权及房屋所有权首次登记。",
     basis="《不动产登记暂行条例实施细则》第四十条至第四十二条", location=BDC)
item("ZRZY", 17, "林木采伐许可证核发", LIC, BOTH, 20, 5, ONCE, "site_check",
     keywords="砍树 采伐 伐木 林木采伐 山上砍树",
     materials=["E:林木采伐申请表|pdf", "E:林权证或林地承包合同|pdf,jpg", "E:伐区调查设计或采伐作业说明|pdf"],
     form=["location:林地坐落:text", "species:树种:text", "volume:采伐蓄积（立方米）:number",
           "method:采伐方式:select:皆伐/择伐/渐伐/更新采伐"],
     conditions="采伐林地上的林木应当申请采伐许可证，并按照许可证的规定进行采伐；农村居民采伐自留地和房前屋后个人所有的零星林木除外。",
     basis="《中华人民共和国森林法》第五十六条")
item("ZRZY", 18, "临时用地审批", LIC, ORG, 20, 10, ONCE, "two_step",
     keywords="临时用地 施工用地 搅拌站 借地",
     materials=["E:临时用地申请书|pdf", "E:临时使用土地合同|pdf", "E:土地复垦方案|pdf", "E:项目批准文件|pdf"],
     form=["$project", "$site", "area:临时用地面积（亩）:number", "term_months:使用期限（月）:number"],
     conditions="建设项目施工、地质勘查需要临时使用土地，使用期限一般不超过两年，不得修建永久性建筑物。",
     basis="《中华人民共和国土地管理法》第五十七条")
item("ZRZY", 19, "建设工程规划条件核实", CONF, ORG, 20, 10, ONCE, "site_check",
     keywords="规划核实 规划验收 竣工规划 规划条件核实",
     materials=["E:规划核实申请表|pdf", "E:建设工程规划许可证|pdf", "E:竣工测量成果报告|pdf", "$plan"],
     form=["$project", "$site", "building_area:总建筑面积（平方米）:number", "$contact"],
     conditions="建设工程竣工后，建设单位应当申请规划条件核实；未经核实或核实不符合规划条件的，不得组织竣工验收。",
     basis="《中华人民共和国城乡规划法》第四十五条")
item("ZRZY", 20, "不动产查封、异议登记", CONF, BOTH, 5, 1, ONCE, "one_step",
     keywords="异议登记 房产纠纷 不动产异议",
     materials=["$id", "E:异议登记申请书|pdf", "E:证实对登记的不动产权利有利害关系的材料|pdf,jpg"],
     form=["house_address:不动产坐落:text", "objection:异议事项:textarea", "$phone"],
     conditions="利害关系人认为不动产登记簿记载的事项错误，权利人不同意更正的，可以申请异议登记，并在 15 日内提起诉讼。",
     basis="《中华人民共和国民法典》第二百二十条", location=BDC)

# ---------------------------------------------------------------- 住建 ZJ（续）
item("ZJ", 11, "存量房买卖合同网签备案", FIL, BOTH, 3, 1, FULL, "one_step",
     keywords="二手房网签 网签 卖房网签 买二手房 房屋买卖合同备案",
     materials=["$id", "$property", "E:存量房买卖合同|pdf"],
     form=["house_address:房屋坐落:text", "buyer_name:买受人:text", "price:成交价格（万元）:number",
           "payment:付款方式:select:一次性付款/商业贷款/公积金贷款/组合贷款"],
     conditions="存量房买卖双方签订房屋买卖合同的，通过房屋网签备案系统办理合同网签备案。",
     basis="《城市房地产管理法》《住房城乡建设部关于进一步规范和加强房屋网签备案工作的指导意见》",
     location="县政务服务中心 20 号窗口（不动产登记专区·房屋交易窗口）")
item("ZJ", 12, "商品房买卖合同网签备案", FIL, BOTH, 3, 1, FULL, "one_step",
     keywords="新房网签 商品房合同备案 买新房备案",
     materials=["$id", "E:商品房买卖合同|pdf", "E:购房款收据|pdf,jpg"],
     form=["project_name:楼盘名称:text", "room:房号:text", "price:合同总价（万元）:number", "$phone"],
     conditions="房地产开发企业与买受人签订商品房买卖合同后，在规定期限内办理网签备案。",
     basis="《商品房销售管理办法》《城市房地产开发经营管理条例》")
item("ZJ", 13, "建设工程质量安全监督登记", FIL, ORG, 5, 2, FULL, "one_step",
     keywords="质监 安监 质量监督 安全监督 报监",
     materials=["E:工程质量安全监督登记表|pdf", "E:施工、监理合同|pdf", "E:施工图审查合格书|pdf"],
     form=["$project", "$site", "builder:施工单位:text", "supervisor:监理单位:text"],
     conditions="建设单位在领取施工许可证前，办理工程质量安全监督手续。",
     basis="《建设工程质量管理条例》《建设工程安全生产管理条例》")
item("ZJ", 14, "建筑起重机械使用登记", CONF, ORG, 7, 3, FULL, "one_step",
     keywords="塔吊 施工升降机 起重机械 塔吊登记",
     materials=["E:建筑起重机械使用登记表|pdf", "E:安装验收资料及检验检测报告|pdf", "C:特种作业人员名单及证书|pdf"],
     form=["$project", "machine_type:设备类型:select:塔式起重机/施工升降机/物料提升机", "record_no:产权备案编号:text", "$contact"],
     conditions="建筑起重机械安装验收合格之日起 30 日内，使用单位向工程所在地住建部门办理使用登记。",
     basis="《建筑起重机械安全监督管理规定》")
item("ZJ", 15, "住房租赁补贴申请", BEN, PERSON, 30, 20, ONCE, "three_step",
     keywords="租房补贴 住房补贴 租金补贴 困难家庭租房",
     materials=["$id", "$hukou", "E:家庭收入证明|pdf", "E:房屋租赁合同|pdf"],
     form=["household_size:家庭人口:number", "monthly_income:家庭人均月收入（元）:number", "rental_address:租住地址:text",
           "$bank_account"],
     conditions="本县城镇户籍低收入住房困难家庭，无自有住房，实行租赁补贴保障。",
     basis="《公共租赁住房管理办法》及本县住房保障实施办法")
item("ZJ", 16, "农村低收入群体等重点对象住房安全保障（危房改造）", BEN, PERSON, 60, 30, ONCE, "site_check",
     keywords="危房改造 危房 房子要倒了 农村危房 旧房改造补助",
     materials=["$id", "$hukou", "E:困难身份证明|pdf,jpg", "E:房屋安全性鉴定或评定结果|pdf"],
     form=["village:所在村:text", "house_condition:房屋安全等级:select:C级/D级", "plan:改造方式:select:加固改造/拆除重建/统建/租赁保障",
           "$phone"],
     conditions="农村低保户、分散供养特困人员、低保边缘家庭等重点对象，住房经鉴定为 C 级或 D 级危房。",
     basis="《住房和城乡建设部 财政部 民政部 国家乡村振兴局关于做好农村低收入群体等重点对象住房安全保障工作的实施意见》")
item("ZJ", 17, "物业服务企业项目承接查验备案", FIL, ORG, 10, 5, FULL, "one_step",
     keywords="物业公司 物业备案 物业承接",
     materials=["E:物业承接查验备案表|pdf", "E:前期物业服务合同|pdf", "E:物业承接查验协议及记录|pdf"],
     form=["$company", "estate_name:物业项目名称:text", "area:建筑面积（平方米）:number", "$phone"],
     conditions="物业服务企业承接新建物业项目，应当自物业交接后 30 日内办理备案。",
     basis="《物业管理条例》《物业承接查验办法》")

# ---------------------------------------------------------------- 退役军人事务 TY
item("TY", 1, "退役军人优待证申领", PUB, PERSON, 20, 10, FULL, "one_step",
     keywords="优待证 退役军人 老兵 复员军人 军人优待",
     materials=["$id", "C:退出现役证明（退伍证、转业证等）|pdf,jpg", "$photo"],
     form=["service_years:服役年限:number", "discharged_on:退役时间:date", "delivery:领证方式:select:窗口领取/邮寄到家", "$phone"],
     conditions="已在本县退役军人服务站完成信息采集的退役军人，以及符合条件的烈士遗属、因公牺牲军人遗属和病故军人遗属。",
     basis="《中华人民共和国退役军人保障法》《退役军人、其他优抚对象优待证管理办法（试行）》", delivery="wp")
item("TY", 2, "退役士兵报到及信息采集", CONF, PERSON, 5, 1, ONSITE, "one_step",
     keywords="退伍报到 退役报到 当兵回来 退伍军人报到",
     materials=["$id", "C:退出现役证明|pdf,jpg", "E:退役士兵安置介绍信|pdf,jpg"],
     form=["discharged_on:退役时间:date", "arrangement:安置方式:select:自主就业/安排工作/退休/供养",
           "skill_training:是否参加职业技能培训:select:是/否", "$phone"],
     conditions="退役士兵应当自被批准退出现役之日起 30 日内，持介绍信到安置地退役军人事务部门报到。",
     basis="《中华人民共和国退役军人保障法》《退役士兵安置条例》", delivery="w")
item("TY", 3, "自主就业退役士兵地方经济补助发放", BEN, PERSON, 30, 20, ONCE, "two_step",
     keywords="退伍补助 退伍费 一次性经济补助 退役金",
     materials=["$id", "C:退出现役证明|pdf,jpg", "$bank"],
     form=["service_years:服役年限:number", "rank:退役时军衔:select:列兵/上等兵/下士/中士/上士/四级军士长以上",
           "$bank_account", "$phone"],
     conditions="选择自主就业、按期报到的退役士兵，由安置地县级人民政府发放地方一次性经济补助。",
     basis="《退役士兵安置条例》及本省自主就业退役士兵经济补助标准")
item("TY", 4, "在乡复员军人定期定量补助申领", BEN, PERSON, 30, 20, ONCE, "three_step",
     keywords="复员军人补助 老兵补助 定补",
     materials=["$id", "C:复员证明或档案记载|pdf,jpg", "$bank"],
     form=["enlisted_on:入伍时间:date", "discharged_on:复员时间:date", "village:所在村（社区）:text", "$bank_account"],
     conditions="1954 年 10 月 31 日之前入伍、后经批准复员的在乡退伍军人。",
     basis="《军人抚恤优待条例》")
item("TY", 5, "烈士遗属、因公牺牲军人遗属一次性抚恤金发放", BEN, PERSON, 30, 15, ONCE, "three_step",
     keywords="烈士 抚恤金 军人牺牲 因公牺牲",
     materials=["E:烈士证明书或因公牺牲证明书|pdf,jpg", "$kin", "$id", "$bank"],
     form=["martyr_name:烈士（牺牲军人）姓名:text", "relation:与申请人关系:select:父母/配偶/子女", "$bank_account", "$phone"],
     conditions="现役军人死亡被批准为烈士或确认为因公牺牲的，由其遗属户籍所在地县级退役军人事务部门发放一次性抚恤金。",
     basis="《烈士褒扬条例》《军人抚恤优待条例》")
item("TY", 6, "伤残抚恤关系转移", CONF, PERSON, 30, 15, ONCE, "handoff:GA",
     keywords="伤残军人 残疾军人 抚恤关系 伤残证转移",
     materials=["C:残疾军人证|pdf,jpg", "$hukou", "E:伤残抚恤关系转移申请|pdf"],
     form=["from_region:迁出地:text", "disability_grade:伤残等级:select:一级/二级/三级/四级/五级/六级/七级/八级/九级/十级",
           "moved_on:户口迁入日期:date", "$phone"],
     conditions="残疾人员因户籍迁移需要同时转移伤残抚恤关系的，向迁入地县级退役军人事务部门提出。",
     basis="《伤残抚恤管理办法》")
item("TY", 7, "义务兵家庭优待金发放", BEN, PERSON, 30, 20, ONCE, "two_step",
     keywords="义务兵 当兵家属 优待金 参军家庭",
     materials=["$hukou", "E:入伍通知书或部队证明|pdf,jpg", "$bank"],
     form=["soldier_name:义务兵姓名:text", "enlisted_on:入伍时间:date", "unit:服役部队（代号）:text", "$bank_account"],
     conditions="从本县入伍的义务兵服现役期间，其家庭由县人民政府发给优待金。",
     basis="《军人抚恤优待条例》《中华人民共和国兵役法》")
item("TY", 8, "光荣牌悬挂申请", PUB, PERSON, 20, 10, FULL, "one_step",
     keywords="光荣之家 光荣牌 军属",
     materials=["$hukou", "E:军人、退役军人或烈属身份证明|pdf,jpg"],
     form=["family_type:家庭类别:select:现役军人家庭/退役军人家庭/烈士家庭/因公牺牲军人家庭/病故军人家庭", "$address", "$phone"],
     conditions="烈士、因公牺牲军人、病故军人遗属家庭，现役军人家庭和退役军人家庭。",
     basis="《中华人民共和国退役军人保障法》《关于全面做好为烈属、军属和退役军人家庭悬挂光荣牌工作的通知》")

# ---------------------------------------------------------------- 烟草专卖 YC
YC_LOCATION = "县政务服务中心 37 号窗口（烟草专卖）"
item("YC", 1, "烟草专卖零售许可证核发", LIC, BOTH, 20, 10, ONCE, "site_check",
     keywords="卖烟 烟草证 烟草许可证 超市卖烟 小卖部卖烟 零售卷烟",
     materials=["E:烟草专卖零售许可证申请表|pdf", "$id", "$premises", "$license"],
     form=["shop_name:店铺名称:text", "$premises", "business_type:经营业态:select:便利店/超市/食杂店/烟酒商店/其他",
           "nearest_school_m:与中小学校最近距离（米）:number", "$phone"],
     conditions="有与经营烟草制品零售业务相适应的资金、固定经营场所，符合合理布局要求，经营场所不在中小学校、幼儿园周边规定范围内。",
     basis="《中华人民共和国烟草专卖法》《中华人民共和国烟草专卖法实施条例》《烟草专卖许可证管理办法》", location=YC_LOCATION)
item("YC", 2, "烟草专卖零售许可证延续", LIC, BOTH, 20, 10, FULL, "two_step",
     keywords="烟草证到期 烟草证续期 烟草证延续",
     materials=["E:延续申请表|pdf", "O:原烟草专卖零售许可证|pdf,jpg"],
     form=["licence_no:许可证号:text", "expires_on:有效期截止日:date", "same_premises:经营场所是否变化:select:否/是", "$phone"],
     conditions="许可证有效期届满需要继续经营的，应当在有效期届满 30 日前申请延续。",
     basis="《烟草专卖许可证管理办法》", location=YC_LOCATION)
item("YC", 3, "烟草专卖零售许可证变更", LIC, BOTH, 20, 5, FULL, "two_step",
     keywords="烟草证变更 烟草证改名 换负责人",
     materials=["E:变更申请表|pdf", "O:原烟草专卖零售许可证|pdf,jpg", "E:变更事项证明材料|pdf,jpg"],
     form=["licence_no:许可证号:text", "change_item:变更事项:select:企业名称/字号名称/负责人/经营者/资金数额",
           "change_after:变更后内容:text", "$phone"],
     conditions="许可证登记事项（经营地址除外）发生变化的，应当申请变更。",
     basis="《烟草专卖许可证管理办法》", location=YC_LOCATION)
item("YC", 4, "烟草专卖零售许可证停业、歇业", LIC, BOTH, 20, 5, FULL, "one_step",
     keywords="烟草证注销 不卖烟了 烟草证停业 歇业",
     materials=["E:停业、歇业申请表|pdf", "O:烟草专卖零售许可证|pdf,jpg"],
     form=["licence_no:许可证号:text", "kind:申请事项:select:停业/歇业", "?resume_on:拟恢复营业日期:date", "$phone"],
     conditions="取得许可证的零售户停业的，应当在停业前申请，停业期限不超过 6 个月；歇业的，许可证交回注销。",
     basis="《烟草专卖许可证管理办法》", location=YC_LOCATION)

# ---------------------------------------------------------------- 残联 CL
item("CL", 1, "残疾人证核发", CONF, PERSON, 20, 10, ONCE, "two_step",
     keywords="残疾证 办残疾证 残疾鉴定 残疾评定 申请残疾证",
     materials=["$id", "$hukou", "$photo", "E:指定医疗机构出具的残疾评定表|pdf"],
     form=["disability_type:残疾类别:select:视力/听力/言语/肢体/智力/精神/多重",
           "assessment_hospital:评定机构:text", "guardian_name:监护人（代办人）:text", "$phone"],
     conditions="符合残疾标准的本县户籍居民，经指定医疗机构评定后申请；未成年人及无民事行为能力人由监护人代办。",
     basis="《中华人民共和国残疾人保障法》《中华人民共和国残疾人证管理办法》")
item("CL", 2, "残疾人证换领、补领", PUB, PERSON, 20, 5, FULL, "one_step",
     keywords="残疾证丢了 残疾证到期 补办残疾证 残疾证换证",
     materials=["$id", "$photo", "?C:原残疾人证|jpg,png,pdf|换领时提供"],
     form=["certificate_no:原残疾人证号:text", "reason:申请原因:select:有效期满/遗失/损毁/信息变更", "delivery:领证方式:select:窗口领取/邮寄到家",
           "$phone"],
     conditions="残疾人证有效期满、遗失、损毁或登记信息变更的，持证人申请换领或补领。",
     basis="《中华人民共和国残疾人证管理办法》", delivery="wp")
item("CL", 3, "残疾人辅助器具适配补贴申请", BEN, PERSON, 30, 15, ONCE, "two_step",
     keywords="轮椅 助听器 假肢 拐杖 辅具 辅助器具",
     materials=["$disability", "E:辅助器具适配评估意见|pdf", "$bank"],
     form=["device:辅助器具:select:轮椅/助听器/假肢/矫形器/助行器/盲杖/其他", "price:购置价格（元）:number", "$bank_account", "$phone"],
     conditions="持有本县残疾人证、经评估需要适配辅助器具的残疾人。",
     basis="《中华人民共和国残疾人保障法》及本省残疾人基本辅助器具适配补贴办法")
item("CL", 4, "残疾儿童康复救助申请", BEN, PERSON, 30, 15, ONCE, "two_step",
     keywords="残疾儿童康复 自闭症 孤独症 脑瘫 康复训练 听障儿童",
     materials=["$hukou", "E:二级以上医疗机构诊断证明|pdf,jpg", "?C:残疾人证|jpg,png,pdf|已办证的提供"],
     form=["child_name:儿童姓名:text", "child_birth:出生日期:date", "rehab_type:康复类别:select:视力/听力/言语/肢体/智力/孤独症",
           "rehab_centre:定点康复机构:text", "$phone"],
     conditions="本县户籍或持居住证、0—6 岁（可放宽至 14 岁）经诊断需要康复服务的残疾儿童。",
     basis="《国务院关于建立残疾儿童康复救助制度的意见》")
item("CL", 5, "残疾人机动轮椅车燃油补贴申领", BEN, PERSON, 30, 15, ONCE, "one_step",
     keywords="残疾人车 三轮车补贴 燃油补贴 残疾人摩托",
     materials=["$disability", "C:机动轮椅车行驶证|pdf,jpg", "$bank"],
     form=["$plate", "disability_grade:残疾等级:select:一级/二级/三级/四级", "$bank_account", "$phone"],
     conditions="持有本县残疾人证、本人拥有并使用机动轮椅车的下肢残疾人。",
     basis="《财政部 中国残联关于残疾人机动轮椅车燃油补贴的通知》")

# ---------------------------------------------------------------- 司法 SF
GFZX = "县公共法律服务中心（县政务服务中心 39 号窗口）"
item("SF", 1, "法律援助申请", PUB, PERSON, 10, 7, ONCE, "two_step",
     keywords="法律援助 请不起律师 免费律师 打官司 讨薪律师",
     materials=["$id", "E:经济困难状况说明表|pdf", "E:与所申请法律援助事项有关的材料|pdf,jpg"],
     form=["matter:申请事项:select:请求支付劳动报酬/工伤赔偿/请求给付赡养费抚养费/医疗事故/交通事故/其他",
           "opposing_party:对方当事人:text", "facts:案情简述:textarea", "$phone"],
     conditions="因经济困难没有委托代理人，且属于法律援助范围的事项；追索劳动报酬、工伤赔偿等不受经济困难条件限制。",
     basis="《中华人民共和国法律援助法》", location=GFZX)
item("SF", 2, "人民调解申请", PUB, BOTH, 30, 15, ONCE, "one_step",
     keywords="调解 邻居纠纷 家庭纠纷 矛盾调解 吵架",
     materials=["$id", "E:纠纷情况及证据材料|pdf,jpg"],
     form=["dispute_type:纠纷类型:select:邻里纠纷/婚姻家庭/土地山林/损害赔偿/合同纠纷/其他",
           "other_party:对方当事人:text", "facts:纠纷简述:textarea", "$phone"],
     conditions="当事人自愿申请调解，纠纷不属于法律规定不得调解的情形。",
     basis="《中华人民共和国人民调解法》", fee="不收费", location="所在乡镇（街道）人民调解委员会或县公共法律服务中心")
item("SF", 3, "公证申请", PUB, BOTH, 15, 5, ONCE, "two_step",
     keywords="公证 公证处 遗嘱公证 继承公证 学历公证 出国公证 委托书公证",
     materials=["$id", "E:公证申请表|pdf", "E:与公证事项有关的证明材料|pdf,jpg"],
     form=["notary_type:公证事项:select:委托/声明/遗嘱/继承/学历学位/亲属关系/无犯罪记录/其他",
           "use:使用地:select:国内/国外（含港澳台）", "copies:份数:number", "$phone"],
     conditions="自然人、法人或者其他组织向住所地、经常居住地、行为地或者事实发生地的公证机构申请办理公证。",
     basis="《中华人民共和国公证法》《公证程序规则》", fee="按本省公证服务收费标准收取", location="县公证处（县公共法律服务中心内）")
item("SF", 4, "基层法律服务工作者执业核准（初审）", LIC, PERSON, 20, 10, ONCE, "handoff:ZWFW",
     keywords="法律服务工作者 基层法律服务所",
     materials=["E:执业申请表|pdf", "C:法律专业学历证明|pdf,jpg", "E:拟执业机构同意接收证明|pdf"],
     form=["applicant_name:申请人姓名:text", "office_name:拟执业的基层法律服务所:text", "$phone"],
     conditions="拥护宪法，品行良好，具有高等学校法律专业本科以上学历或取得法律职业资格，身体健康。",
     basis="《基层法律服务工作者管理办法》")
item("SF", 5, "社区矫正对象外出审批", LIC, PERSON, 7, 3, ONSITE, "two_step",
     keywords="社区矫正 外出请假 矫正人员外出",
     materials=["E:外出申请书|pdf", "E:外出事由证明材料|pdf,jpg"],
     form=["destination:外出目的地:text", "reason:外出事由:select:就医/就学/参与诉讼/处理家庭或工作重要事务",
           "days:外出天数:number", "$phone"],
     conditions="社区矫正对象因就医、就学、参与诉讼、处理家庭或者工作重要事务等正当理由，确需离开所居住的县的。",
     basis="《中华人民共和国社区矫正法》《中华人民共和国社区矫正法实施办法》", location="县社区矫正管理局", delivery="w")

# ---------------------------------------------------------------- 消防救援 XF
item("XF", 1, "火灾事故认定", CONF, BOTH, 30, 20, ONCE, "two_step",
     keywords="着火 失火 火灾证明 火灾认定 保险理赔 起火原因",
     materials=["$id", "E:火灾损失情况及相关证据|pdf,jpg", "?E:当事人陈述材料|pdf"],
     form=["fire_date:起火时间:date", "fire_address:起火地点:text", "loss_estimate:直接财产损失估计（元）:number", "$phone"],
     conditions="消防救援机构根据火灾现场勘验、调查询问和有关检验、鉴定意见等调查情况，对起火原因、灾害成因作出认定。",
     basis="《中华人民共和国消防法》第五十一条《火灾事故调查规定》")
item("XF", 2, "火灾事故简易调查证明", PUB, BOTH, 10, 3, ONCE, "one_step",
     keywords="火灾证明 失火证明 电瓶车着火 车辆起火证明",
     materials=["$id", "E:火灾现场照片|jpg,png"],
     form=["fire_date:起火时间:date", "fire_address:起火地点:text", "object:起火对象:select:住宅/车辆/店铺/其他", "$phone"],
     conditions="没有人员伤亡、直接财产损失轻微、当事人对火灾事故事实没有异议的火灾，适用简易调查程序。",
     basis="《火灾事故调查规定》")
item("XF", 3, "消防安全违法行为举报投诉", OTHER, BOTH, 30, 10, FULL, "two_step",
     keywords="消防通道堵塞 消防隐患 举报消防 电动车楼道充电 安全出口锁闭",
     materials=["E:举报内容说明|pdf,doc,docx", "?E:现场照片或视频截图|jpg,png"],
     form=["place:被举报场所:text", "$address", "violation:隐患类型:select:占用堵塞消防通道/锁闭安全出口/消防设施损坏/违规用火用电/其他",
           "$phone"], conditions="任何单位和个人发现火灾隐患或消防安全违法行为，都可以向消防救援机构举报投诉。",
     basis="《中华人民共和国消防法》第五条《消防监督检查规定》")

# ---------------------------------------------------------------- 交通 JT（续）
item("JT", 8, "道路运输从业人员从业资格证核发（道路货物运输驾驶员）", LIC, PERSON, 10, 5, ONCE, "two_step",
     keywords="货运资格证 货车司机资格证 从业资格证 开货车",
     materials=["$id", "C:机动车驾驶证|pdf,jpg", "E:道路运输从业人员从业资格考试合格证明|pdf"],
     form=["license_class:准驾车型:select:A2/B2/C1/其他", "first_license_date:初领驾驶证日期:date", "$phone"],
     conditions="取得相应的机动车驾驶证，年龄不超过 60 周岁，经考试合格。",
     basis="《中华人民共和国道路运输条例》《道路运输从业人员管理规定》")
item("JT", 9, "道路运输证年审", CONF, BOTH, 10, 1, FULL, "one_step",
     keywords="营运证年审 道路运输证 货车年审 营运车辆",
     materials=["C:道路运输证|pdf,jpg", "E:车辆综合性能检测报告|pdf", "C:机动车行驶证|pdf,jpg"],
     form=["$plate", "owner:业户名称:text", "vehicle_type:车辆类型:select:普通货车/客车/出租车/危险货物运输车", "$phone"],
     conditions="营运车辆按规定进行综合性能检测和技术等级评定，技术状况良好。",
     basis="《道路运输车辆技术管理规定》")
item("JT", 10, "涉路施工许可", LIC, ORG, 20, 10, ONCE, "site_check",
     keywords="公路施工 路边挖沟 公路上架线 跨越公路 公路开口",
     materials=["E:涉路施工申请书|pdf", "$plan", "E:安全保障措施及施工方案|pdf"],
     form=["$project", "road:涉及公路及桩号:text", "work_type:施工类型:select:跨越/穿越/架设管线/增设平面交叉道口/其他",
           "$date"],
     conditions="因修建铁路、机场、电站、通信设施等需要跨越、穿越公路或在公路用地范围内架设、埋设管道等设施的。",
     basis="《中华人民共和国公路法》第四十五条《路政管理规定》")
item("JT", 11, "巡游出租汽车车辆经营权变更", LIC, PERSON, 20, 10, ONCE, "two_step",
     keywords="出租车转让 出租车过户 出租车经营权",
     materials=["$id", "E:经营权转让协议|pdf", "C:道路运输证|pdf,jpg"],
     form=["$plate", "transferee:受让人:text", "transfer_type:变更类型:select:转让/继承/其他", "$phone"],
     conditions="经营权转让的受让人具备出租汽车经营条件，原经营者无未处理的违法违规行为。",
     basis="《巡游出租汽车经营服务管理规定》")

# ---------------------------------------------------------------- 城管 CG（续）
item("CG", 7, "占用城市绿地审批", LIC, ORG, 20, 10, ONCE, "site_check",
     keywords="占用绿地 绿地施工 挖绿化带",
     materials=["E:临时占用城市绿地申请表|pdf", "E:占用位置图及施工方案|pdf,jpg", "E:绿地恢复承诺|pdf"],
     form=["$project", "location:占用地点:text", "area:占用面积（平方米）:number", "days:占用天数:number"],
     conditions="因建设或其他特殊需要临时占用城市绿地的，期满后恢复原状。",
     basis="《城市绿化条例》第二十条")
item("CG", 8, "店招标牌设置备案", FIL, BOTH, 5, 1, FULL, "one_step",
     keywords="店招 招牌 门头 挂招牌 门头招牌",
     materials=["E:店招标牌设计效果图|jpg,png,pdf", "$license"],
     form=["shop_name:店铺名称:text", "$premises", "size:尺寸（长×高，米）:text", "lighting:是否有灯光:select:否/是"],
     conditions="在本单位经营场所设置店招标牌，符合本县店招标牌设置导则，一店一招。",
     basis="《城市市容和环境卫生管理条例》及本县店招标牌设置管理规定")
item("CG", 9, "城市道路挖掘许可", LIC, ORG, 20, 5, ONCE, "handoff:GA",
     keywords="挖路 道路开挖 管线施工 挖马路",
     materials=["E:城市道路挖掘申请表|pdf", "E:施工方案及交通组织方案|pdf", "E:道路恢复承诺书|pdf"],
     form=["$project", "road:挖掘道路及位置:text", "length_m:挖掘长度（米）:number", "$date"],
     conditions="因工程建设需要挖掘城市道路的，持批准文件向市政工程行政主管部门和公安交通管理部门提出申请。",
     basis="《城市道路管理条例》第三十三条", fee="城市道路挖掘修复费按省定标准收取")

# ---------------------------------------------------------------- 应急 YJ（续）
item("YJ", 7, "非药品类易制毒化学品经营备案（第二类、第三类）", FIL, ORG, 5, 3, FULL, "one_step",
     keywords="易制毒 硫酸 盐酸 丙酮 高锰酸钾",
     materials=["E:非药品类易制毒化学品经营备案申请表|pdf", "$license", "E:经营品种、数量及主要流向说明|pdf"],
     form=["$company", "chemicals:经营品种:textarea", "annual_volume:年经营量（吨）:number", "$phone"],
     conditions="经营第二类、第三类非药品类易制毒化学品的，应当自经营之日起 30 日内向所在地应急管理部门备案。",
     basis="《易制毒化学品管理条例》《非药品类易制毒化学品生产、经营许可办法》")
item("YJ", 8, "生产经营单位主要负责人和安全生产管理人员安全生产知识和管理能力考核", CONF, PERSON, 20, 10, ONCE, "two_step",
     keywords="安全员证 安全考核 负责人安全证 安管证",
     materials=["$id", "E:安全培训合格证明|pdf", "E:单位任职证明|pdf"],
     form=["employer_name:所在单位:text", "industry:行业类别:select:危险化学品经营/烟花爆竹经营/金属冶炼/其他",
           "position:岗位:select:主要负责人/安全生产管理人员", "$phone"],
     conditions="危险物品的生产、经营、储存单位以及矿山、金属冶炼等单位的主要负责人和安全生产管理人员，应当考核合格。",
     basis="《中华人民共和国安全生产法》第二十七条《生产经营单位安全培训规定》")

# ---------------------------------------------------------------- 生态环境 HB（续）
item("HB", 6, "固定污染源排污登记", FIL, ORG, 5, 1, FULL, "one_step",
     keywords="排污登记 小企业排污 排污登记表",
     materials=["E:固定污染源排污登记表|pdf", "$license"],
     form=["$company", "industry:行业类别:text", "pollutants:主要污染物:textarea", "treatment:污染治理设施:textarea"],
     conditions="污染物产生量、排放量和对环境的影响程度很小，依法不需要申请取得排污许可证的企业事业单位。",
     basis="《排污许可管理条例》《固定污染源排污许可分类管理名录》", delivery="e")
item("HB", 7, "建设项目竣工环境保护验收信息备案", FIL, ORG, 5, 1, FULL, "one_step",
     keywords="环保验收 竣工环保验收 自主验收",
     materials=["E:竣工环境保护验收报告|pdf", "E:验收意见及其他需要说明的事项|pdf"],
     form=["$project", "eia_approval:环评批复文号:text", "completed_on:验收完成日期:date", "$contact"],
     conditions="编制环境影响报告书（表）的建设项目竣工后，建设单位自主验收并公开验收报告后备案。",
     basis="《建设项目环境保护管理条例》《建设项目竣工环境保护验收暂行办法》", delivery="e")

# ---------------------------------------------------------------- 文旅 WL（续）
item("WL", 7, "民宿登记", FIL, BOTH, 15, 5, ONCE, "joint_review:GA,XF",
     keywords="民宿 开民宿 农家乐住宿 乡村民宿 民宿备案 客栈",
     materials=["E:民宿登记申请表|pdf", "$id", "$premises", "E:房屋安全鉴定或安全承诺|pdf", "E:消防安全条件自查表|pdf"],
     form=["homestay_name:民宿名称:text", "$premises", "rooms:客房间数:number", "floors:经营用房层数:number",
           "beds:床位数:number", "$phone"],
     conditions="利用农村村民住宅或城镇自有住房，经营用客房不超过 14 间（床位不超过 30 个）、建筑层数不超过 4 层，符合消防、治安、卫生要求。",
     basis="《旅游民宿基本要求与等级划分》（GB/T 41648）及本省民宿管理办法")
item("WL", 8, "艺术品经营单位备案", FIL, ORG, 15, 5, FULL, "one_step",
     keywords="画廊 艺术品 字画 古玩",
     materials=["E:艺术品经营单位备案表|pdf", "$license", "E:经营场所照片|jpg,png"],
     form=["$company", "$premises", "scope:经营范围:select:美术品销售/艺术品经纪/艺术品鉴定评估/艺术品展览", "$phone"],
     conditions="设立从事艺术品经营活动的经营单位，应当自领取营业执照之日起 15 日内办理备案。",
     basis="《艺术品经营管理办法》")
item("WL", 9, "高危险性体育项目经营许可（游泳）", LIC, BOTH, 30, 15, ONCE, "site_check",
     keywords="游泳馆 游泳池 开游泳馆 体育项目",
     materials=["E:高危险性体育项目经营申请书|pdf", "$license", "C:社会体育指导人员和救助人员资格证明|pdf",
                "E:安全保障制度和措施|pdf"],
     form=["venue_name:场所名称:text", "$premises", "pool_area:水面面积（平方米）:number", "lifeguards:救生员人数:number"],
     conditions="相关体育设施符合国家标准，具有达到规定数量的社会体育指导人员和救助人员，具有安全保障制度和措施。",
     basis="《全民健身条例》《经营高危险性体育项目许可管理办法》")
item("WL", 10, "卫星电视广播地面接收设施安装许可", LIC, ORG, 20, 10, ONCE, "handoff:GA",
     keywords="卫星电视 锅盖 卫星接收",
     materials=["E:卫星地面接收设施安装申请表|pdf", "$license", "E:安装位置说明|pdf,jpg"],
     form=["$company", "install_address:安装地点:text", "purpose:接收用途:select:宾馆饭店/金融机构/教育科研/其他", "$phone"],
     conditions="符合国家规定可以设置卫星地面接收设施的单位，接收境内外卫星电视节目用途合法。",
     basis="《卫星电视广播地面接收设施管理规定》")

# ---------------------------------------------------------------- 农业农村 NY（续）
item("NY", 8, "农机购置与应用补贴申领", BEN, BOTH, 30, 15, FULL, "two_step",
     keywords="农机补贴 买农机补贴 收割机补贴 拖拉机补贴",
     materials=["$id", "E:农机购置发票|pdf,jpg", "E:机具铭牌及人机合影照片|jpg,png", "$bank"],
     form=["machine:机具品目:select:拖拉机/收割机/插秧机/植保无人机/烘干机/其他", "model:机具型号:text", "price:购机价格（元）:number",
           "$bank_account"],
     conditions="从事农业生产的个人和农业生产经营组织，购置列入补贴范围的农业机械，经核验后申领补贴。",
     basis="《中华人民共和国农业机械化促进法》及农机购置与应用补贴实施意见")
item("NY", 9, "家庭农场认定", CONF, PERSON, 20, 10, ONCE, "site_check",
     keywords="家庭农场 示范农场 种养大户",
     materials=["$id", "E:土地承包或流转合同|pdf", "E:家庭农场认定申请表|pdf"],
     form=["farm_name:家庭农场名称:text", "area:经营土地面积（亩）:number", "products:主要产品:text", "$phone"],
     conditions="以家庭成员为主要劳动力，以家庭为基本经营单元，从事农业规模化、标准化、集约化生产经营。",
     basis="《农业农村部关于实施家庭农场培育计划的指导意见》")
item("NY", 10, "动物诊疗许可证核发", LIC, BOTH, 20, 10, ONCE, "site_check",
     keywords="宠物医院 动物医院 兽医院 开宠物医院",
     materials=["E:动物诊疗许可证申请表|pdf", "$premises", "C:执业兽医资格证书|pdf,jpg", "E:诊疗设施设备清单|pdf"],
     form=["clinic_name:诊疗机构名称:text", "$premises", "vets:执业兽医人数:number", "$phone"],
     conditions="有固定的动物诊疗场所，诊疗场所选址距离畜禽养殖场等符合规定，有执业兽医和必要的诊疗设备。",
     basis="《中华人民共和国动物防疫法》《动物诊疗机构管理办法》")
item("NY", 11, "水域滩涂养殖证核发", LIC, BOTH, 20, 10, ONCE, "two_step",
     keywords="养鱼 鱼塘 水产养殖 养殖证",
     materials=["E:水域滩涂养殖证申请表|pdf", "$id", "E:水域滩涂承包合同|pdf", "E:养殖水域位置图|pdf,jpg"],
     form=["water_location:养殖水域位置:text", "area:养殖面积（亩）:number", "species:养殖品种:text", "$phone"],
     conditions="使用国家规划确定用于养殖业的全民所有或集体所有水域、滩涂从事养殖生产。",
     basis="《中华人民共和国渔业法》《水域滩涂养殖发证登记办法》")
item("NY", 12, "农村土地经营权流转合同备案", FIL, BOTH, 10, 3, FULL, "one_step",
     keywords="土地流转 承包地出租 流转合同 租地",
     materials=["E:土地经营权流转合同|pdf", "$id", "E:承包地块清单|pdf,xlsx"],
     form=["village:所在村:text", "area:流转面积（亩）:number", "term_years:流转期限（年）:number", "price:年流转价格（元/亩）:number"],
     conditions="承包方依法采取出租（转包）、入股或者其他方式向他人流转土地经营权，签订书面合同并备案。",
     basis="《中华人民共和国农村土地承包法》《农村土地经营权流转管理办法》")

# ---------------------------------------------------------------- 水利 SL（续）
item("SL", 5, "河道采砂许可", LIC, ORG, 20, 10, ONCE, "handoff:ZRZY",
     keywords="采砂 挖沙 河沙",
     materials=["E:河道采砂申请书|pdf", "$license", "E:采砂可行性论证报告|pdf", "E:采砂船舶或机具证明|pdf"],
     form=["$company", "river:采砂河段:text", "volume:申请采砂量（万吨）:number", "$date"],
     conditions="在河道采砂规划确定的可采区和可采期内，采砂方式和机具符合要求。",
     basis="《中华人民共和国水法》第三十九条《中华人民共和国河道管理条例》")
item("SL", 6, "农村集中供水工程用水报装", PUB, BOTH, 10, 5, FULL, "one_step",
     keywords="自来水报装 接自来水 装水表 农村自来水",
     materials=["$id", "$property"],
     form=["$address", "usage:用水性质:select:居民生活/经营/农业", "households:用水户数:number", "$phone"],
     conditions="在集中供水工程覆盖范围内，供水管网能够满足接入条件。",
     basis="《城市供水条例》及本县农村供水工程管理办法")

# ---------------------------------------------------------------- 市场监管 SCJG（续）
item("SCJG", 17, "企业年度报告公示", FIL, ORG, 5, 1, FULL, "one_step",
     keywords="企业年报 年报 年度报告 工商年报 年检",
     materials=["E:企业年度报告（经营状况、资产状况、股东出资等）|pdf", "$license"],
     form=["$company", "report_year:报告年度:number", "employees:从业人数:number", "revenue:营业总收入（万元）:number",
           "has_website:是否有网站或网店:select:否/是"],
     conditions="企业应当于每年 1 月 1 日至 6 月 30 日，通过国家企业信用信息公示系统报送上一年度年度报告，并向社会公示。",
     basis="《企业信息公示暂行条例》第八条", delivery="e")
item("SCJG", 18, "农民专业合作社设立登记", LIC, PERSON, 15, 3, FULL, "two_step",
     keywords="合作社 专业合作社 成立合作社 农村合作社",
     materials=["E:农民专业合作社设立登记申请书|pdf", "E:全体设立人签名的设立大会纪要|pdf", "E:章程|pdf",
                "E:成员出资清单及成员名册|pdf,xlsx", "$premises"],
     form=["coop_name:合作社名称:text", "members:成员数:number", "capital:成员出资总额（万元）:number", "business_scope:业务范围:textarea"],
     conditions="有 5 名以上符合规定的成员，其中农民至少占成员总数的 80%；有符合规定的章程、组织机构和住所。",
     basis="《中华人民共和国农民专业合作社法》《中华人民共和国市场主体登记管理条例》")
item("SCJG", 19, "仅销售预包装食品备案", FIL, BOTH, 5, 1, FULL, "one_step",
     keywords="预包装食品 小卖部 便利店 卖零食 卖饮料",
     materials=["E:仅销售预包装食品备案信息采集表|pdf", "$license"],
     form=["shop_name:店铺名称:text", "$premises", "cold_chain:是否含冷藏冷冻食品:select:否/是", "$phone"],
     conditions="仅销售预包装食品的，不需取得食品经营许可，应当在取得营业执照后向所在地县级市场监管部门备案。",
     basis="《中华人民共和国食品安全法》第三十五条《食品经营许可和备案管理办法》", delivery="e")
item("SCJG", 20, "移出经营异常名录", OTHER, ORG, 5, 1, FULL, "one_step",
     keywords="经营异常 异常名录 未年报 移出异常",
     materials=["E:移出经营异常名录申请书|pdf", "$license", "E:补报年报或住所可联系证明|pdf"],
     form=["$company", "reason:列入原因:select:未按时年报/通过登记住所无法联系/公示信息隐瞒真实情况/其他", "$phone"],
     conditions="被列入经营异常名录的企业，依照规定履行公示义务或者能够通过登记住所取得联系的，可申请移出。",
     basis="《企业信息公示暂行条例》《企业经营异常名录管理暂行办法》", delivery="e")
item("SCJG", 21, "分公司设立登记", LIC, ORG, 15, 1, FULL, "two_step",
     keywords="分公司 设立分公司 分支机构",
     materials=["E:分公司登记申请书|pdf", "$license", "$premises", "E:分公司负责人任职文件及身份证件|pdf,jpg"],
     form=["branch_name:分公司名称:text", "$premises", "manager:负责人:text", "business_scope:经营范围:textarea"],
     conditions="公司设立分公司，应当向分公司所在地登记机关申请登记，领取营业执照。",
     basis="《中华人民共和国公司法》第三十八条《中华人民共和国市场主体登记管理条例》")
item("SCJG", 22, "个体工商户年度报告", FIL, PERSON, 5, 1, FULL, "one_step",
     keywords="个体户年报 个体年报 年报",
     materials=["E:个体工商户年度报告|pdf", "$id"],
     form=["registration_number:统一社会信用代码:text", "report_year:报告年度:number", "revenue:营业额（万元）:number",
           "employees:从业人数:number"],
     conditions="个体工商户应当于每年 1 月 1 日至 6 月 30 日报送上一年度年度报告。",
     basis="《个体工商户年度报告暂行办法》", delivery="e")

# ---------------------------------------------------------------- 其余常办事项
item("GA", 29, "机动车抵押登记", CONF, BOTH, 3, 1, ONCE, "one_step",
     keywords="车辆抵押 车贷抵押 解除抵押 车子抵押",
     materials=["$id", "O:机动车登记证书|jpg,png,pdf", "E:机动车抵押合同或主债权合同|pdf"],
     form=["$plate", "kind:登记类别:select:抵押登记/解除抵押登记", "mortgagee:抵押权人:text", "$phone"],
     conditions="机动车作为抵押物抵押的，机动车所有人和抵押权人应当向登记地车辆管理所申请抵押登记；主债权消灭的申请解除。",
     basis="《中华人民共和国民法典》《机动车登记规定》", location=CHEGUANSUO)
item("RS", 27, "灵活就业人员企业职工基本养老保险参保登记", CONF, PERSON, 5, 1, FULL, "one_step",
     keywords="灵活就业参保 自由职业社保 个人交社保 个体户社保 没单位交社保",
     materials=["$id", "?E:就业失业登记或灵活就业情况说明|pdf"],
     form=["$address", "insurance:参保险种:select:企业职工基本养老保险/养老保险和职工医疗保险", "start_month:参保起始年月:date", "$phone"],
     conditions="无雇工的个体工商户、未在用人单位参加社会保险的非全日制从业人员以及其他灵活就业人员，可以参加基本养老保险。",
     basis="《中华人民共和国社会保险法》第十条")
item("MZ", 26, "公益性公墓骨灰安放申请", PUB, PERSON, 10, 3, ONSITE, "one_step",
     keywords="公墓 墓地 骨灰安放 买墓地 安葬",
     materials=["E:火化证明|pdf,jpg", "$id", "$kin"],
     form=["$deceased", "cemetery:公墓名称:select:县城南公益性公墓/乡镇公益性公墓/骨灰堂", "burial_date:拟安放日期:date", "$phone"],
     conditions="本县户籍居民去世火化后，其亲属可申请在公益性公墓或骨灰堂安放骨灰。",
     basis="《殡葬管理条例》《公墓管理暂行办法》", fee="按县定公益性公墓收费标准收取", location="县殡葬服务中心", delivery="w")
item("MZ", 27, "婚姻登记档案查询", PUB, PERSON, 5, 1, ONCE, "one_step",
     keywords="婚姻档案 婚姻登记记录 查结婚记录 婚姻状况查询",
     materials=["$id", "$agent"],
     form=["record_type:查询内容:select:结婚登记档案/离婚登记档案/补领登记档案", "registered_year:登记年份:number",
           "purpose:用途:select:补领婚姻登记证/不动产登记/诉讼/其他", "$phone"],
     conditions="婚姻当事人本人或其委托的人、人民法院等依法可以查询婚姻登记档案。",
     basis="《婚姻登记档案管理办法》", delivery="we", location="县民政局婚姻登记处（县政务服务中心一楼）")
item("WJ", 18, "乡村医生执业注册", LIC, PERSON, 20, 10, ONCE, "two_step",
     keywords="村医 乡村医生 卫生室医生",
     materials=["E:乡村医生执业注册申请表|pdf", "$id", "C:乡村医生资格或培训合格证明|pdf,jpg", "E:拟执业村卫生室同意证明|pdf"],
     form=["village_clinic:拟执业村卫生室:text", "qualification:资格类别:select:执业（助理）医师/乡村全科执业助理医师/乡村医生", "$phone"],
     conditions="符合规定条件的人员，向村医疗卫生机构所在地的县级卫生健康主管部门申请乡村医生执业注册。",
     basis="《乡村医生从业管理条例》")
item("JY", 13, "普通高中国家助学金申请", BEN, PERSON, 30, 20, ONCE, "two_step",
     keywords="高中助学金 高中补助 高中免学费 贫困高中生",
     materials=["$id", "E:家庭经济困难情况认定表|pdf", "$bank"],
     form=["student_name:学生姓名:text", "school:就读学校:text", "difficulty:困难等级:select:特别困难/困难/一般困难", "$bank_account"],
     conditions="具有正式注册学籍的普通高中在校生中的家庭经济困难学生。",
     basis="《普通高中国家助学金管理办法》")
item("ZRZY", 21, "国有建设用地使用权及房屋所有权首次登记（新建商品房）", CONF, ORG, 30, 10, ONCE, "two_step",
     keywords="大证 初始登记 开发商办证 首次登记",
     materials=["E:不动产登记申请书|pdf", "$license", "E:土地出让合同及价款缴清证明|pdf", "E:竣工验收备案材料及房屋测绘报告|pdf"],
     form=["$project", "$site", "building_area:总建筑面积（平方米）:number", "units:套数:number"],
     conditions="房地产开发项目竣工验收合格后，开发企业申请国有建设用地使用权及房屋所有权首次登记。",
     basis="《不动产登记暂行条例实施细则》第三十五条", location=BDC)
item("YB", 14, "医疗保障参保凭证打印", PUB, PERSON, 3, 1, FULL, "one_step",
     keywords="医保证明 医保缴费证明 医保参保证明 打印医保",
     materials=["$id", "$agent"],
     form=["insurance_type:险种:select:职工医保/城乡居民医保", "period_from:起始年月:date", "purpose:用途:select:医保转移/入学/购房/其他"],
     conditions="参保人员可申请打印本人参保缴费凭证。",
     basis="《中华人民共和国社会保险法》", delivery="we")
item("GJJ", 10, "住房公积金提取（偿还购房贷款）", BEN, PERSON, 5, 1, FULL, "one_step",
     keywords="还房贷提公积金 公积金还贷 公积金冲还贷 公积金提取",
     materials=["$id", "E:借款合同及近期还款明细|pdf", "$bank"],
     form=["loan_bank:贷款银行:text", "loan_contract:借款合同号:text", "frequency:提取方式:select:按年提取/按月冲还贷", "$bank_account"],
     conditions="偿还购买自住住房贷款本息的缴存职工及其配偶，可以申请提取住房公积金。",
     basis="《住房公积金管理条例》第二十四条")
item("SCJG", 23, "消费投诉举报处理", OTHER, BOTH, 30, 7, FULL, "two_step",
     keywords="投诉商家 消费投诉 退货 假货 举报 12315 被骗 维权",
     materials=["E:投诉举报内容及请求|pdf,doc,docx", "?E:购物凭证、聊天记录等证据|jpg,png,pdf"],
     form=["merchant:被投诉经营者:text", "$address", "amount:涉及金额（元）:number", "facts:投诉举报事实:textarea", "$phone"],
     conditions="消费者与经营者发生消费者权益争议，或发现违法经营行为的，可以向经营者所在地市场监管部门投诉举报。",
     basis="《中华人民共和国消费者权益保护法》《市场监督管理投诉举报处理暂行办法》")
item("SCJG", 24, "食品经营许可延续", LIC, BOTH, 20, 5, FULL, "two_step",
     keywords="食品经营许可证到期 餐饮许可延续 许可证续期",
     materials=["E:食品经营许可延续申请书|pdf", "$license", "O:原食品经营许可证|pdf,jpg"],
     form=["licence_no:许可证编号:text", "expires_on:有效期截止日:date", "changed:经营条件是否变化:select:否/是", "$phone"],
     conditions="食品经营许可证有效期届满需要继续经营的，应当在有效期届满前 90 个工作日至 15 个工作日期间申请延续。",
     basis="《食品经营许可和备案管理办法》")
item("SW", 17, "个体工商户定期定额核定", CONF, PERSON, 20, 5, ONCE, "two_step",
     keywords="定额 个体户交税 个体户报税 定期定额",
     materials=["E:个体工商户定期定额核定表|pdf", "$id"],
     form=["shop_name:个体工商户名称:text", "monthly_sales:预计月经营额（元）:number", "industry:行业:select:商业/餐饮/服务业/其他", "$phone"],
     conditions="生产、经营规模小，达不到设置账簿标准的个体工商户，经主管税务机关核定实行定期定额征收。",
     basis="《中华人民共和国税收征收管理法》《个体工商户税收定期定额征收管理办法》")


# ================================================================ 一件事 life-event packages
# One guide, one form, one set of materials; the window splits a submission into the member items'
# cases. Members: (item name, optional, when it is needed). ``produced``: materials one member
# produces for another (the 营业执照 of 企业开办 for its 参保登记), not asked of the applicant.

PACKAGES: list[dict[str, Any]] = [
    {"code": "YJS-01", "name": "新生儿出生一件事",
     "summary": "宝宝出生后，一次申请办好户口登记、医保参保和社会保障卡。",
     "guide": "宝宝出生后凭医院签发的出生医学证明，一次提交即可同时办理出生登记（报户口）、城乡居民医保参保和社保卡申领。"
              "三件事由公安、医保、人社分别办理，进度在同一个申请编号下查看；户口登记办结后医保参保自动生效。"
              "新生儿应在出生后一个月内申报户口，在 90 日内参保的自出生之日起享受医保待遇。",
     "keywords": "生孩子 宝宝出生 新生儿 上户口 出生证 报户口 孩子出生 生娃",
     "produced": [],
     "members": [("出生登记（新生儿入户）", False, ""), ("新生儿参保登记", False, ""),
                 ("社会保障卡申领", True, "需要为宝宝办理社保卡时选择")]},
    {"code": "YJS-02", "name": "义务教育入学一件事",
     "summary": "孩子上小学、初中：入学报名、预防接种证查验和家庭经济困难学生资助一次申请。",
     "guide": "适龄儿童入学报名时，户籍、房产等信息由部门共享核验，无需另开证明。预防接种证遗失的可同时补办（入学查验需要）；"
              "家庭经济困难的可同时申请资助。学校分配结果以教育局通知为准。",
     "keywords": "上学 入学 上小学 上初中 孩子读书 报名 一年级 小升初",
     "produced": [],
     "members": [("义务教育阶段入学申请", False, ""), ("预防接种证补办", True, "接种证遗失或损坏、入学查验需要时选择"),
                 ("家庭经济困难学生资助申请", True, "家庭经济困难时选择")]},
    {"code": "YJS-03", "name": "开饭店一件事",
     "summary": "开餐馆、小吃店：营业执照、食品经营许可、店招备案和消防安全检查一次申请。",
     "guide": "个人开办餐饮店，一次提交即可同时申请个体工商户营业执照、食品经营许可和店招标牌设置备案；营业面积较大、"
              "属于公众聚集场所的，同时申请营业前消防安全检查。营业执照核发后，食品经营许可无需再交营业执照。"
              "食品经营许可需现场核查，请保持经营场所可供检查。",
     "keywords": "开饭店 开餐馆 开饭馆 开小吃店 餐饮店 开面馆 开奶茶店 开烧烤店 开火锅店 开店",
     "produced": ["营业执照"],
     "members": [("个体工商户注册登记", False, ""), ("食品经营许可", False, ""), ("店招标牌设置备案", False, ""),
                 ("公众聚集场所投入使用、营业前消防安全检查", True, "营业面积较大、属于公众聚集场所时选择")]},
    {"code": "YJS-04", "name": "二手房买卖一件事",
     "summary": "买卖二手房：合同网签、交税、不动产转移登记一次申请，可同时提取公积金。",
     "guide": "买卖双方签订合同后，一次提交即可办理存量房买卖合同网签备案、交易税费申报和不动产转移登记，房产、税务、不动产"
              "窗口并联办理，新证可邮寄或电子证照送达。买方使用公积金的，可同时申请提取住房公积金。",
     "keywords": "二手房 买房 卖房 过户 房子过户 二手房过户 房屋买卖 房产过户",
     "produced": [],
     "members": [("存量房买卖合同网签备案", False, ""), ("存量房交易税费申报", False, ""),
                 ("不动产登记（二手房转移登记）", False, ""),
                 ("住房公积金提取（购买自住住房）", True, "买方用住房公积金支付购房款时选择")]},
    {"code": "YJS-05", "name": "身故一件事",
     "summary": "家人去世后：户口注销、遗体火化、丧葬费用和抚恤金、医保和公积金余额，一次申请。",
     "guide": "家人去世后，凭居民死亡医学证明（推断）书一次提交，即可办理户口注销、遗体火化，并按逝者情况选择申领丧葬补助金"
              "和抚恤金、减免基本殡葬服务费、清退医保个人账户、提取住房公积金余额。死亡证明只需提交一次，各部门共享使用；"
              "各项待遇发放到申请人填写的账户。",
     "keywords": "去世 过世 死亡 身故 老人去世 家里老人去世 人走了 办丧事 后事 丧葬 火化",
     # 火化证明: issued by the package's own 遗体火化服务, so 基本殡葬服务费用减免 does not ask for it
     "produced": ["火化证明"],
     "members": [("户口注销（死亡）", False, ""), ("遗体火化服务", False, ""),
                 ("基本殡葬服务费用减免", True, "逝者为本县户籍居民时选择"),
                 ("企业职工基本养老保险丧葬补助金和抚恤金申领", True, "逝者参加企业职工养老保险时选择"),
                 ("参保人员死亡医保个人账户清退", True, "逝者参加职工医保、个人账户有余额时选择"),
                 ("住房公积金提取（职工死亡）", True, "逝者缴存住房公积金时选择")]},
    {"code": "YJS-06", "name": "退休一件事",
     "summary": "到龄退休：养老金申领、公积金提取和老年人优待证一次申请。",
     "guide": "达到法定退休年龄、缴费满 15 年的，一次提交即可申领基本养老金，同时提取住房公积金余额并销户；年满 60 周岁的"
              "可同时办理老年人优待证。养老金自核准次月起发放到本人社会保障卡。",
     "keywords": "退休 办退休 退休手续 领养老金 到龄退休 退休金",
     "produced": [],
     "members": [("基本养老保险待遇申领（退休）", False, ""),
                 ("住房公积金提取（离休、退休）", True, "缴存了住房公积金时选择"),
                 ("老年人优待证办理", True, "年满 60 周岁时选择")]},
    {"code": "YJS-07", "name": "结婚一件事",
     "summary": "结婚登记，同时办理户口婚姻状况变更和生育登记。",
     "guide": "双方亲自到婚姻登记处办理结婚登记；可同时申请户口簿婚姻状况变更，计划生育的可同时办理生育登记。",
     "keywords": "结婚 领证 扯证 结婚证 婚姻登记 新婚",
     "produced": [],
     "members": [("内地居民结婚登记", False, ""), ("户口登记项目变更更正", True, "需要变更户口簿婚姻状况时选择"),
                 ("生育登记服务", True, "计划生育时选择")]},
    {"code": "YJS-08", "name": "就业创业一件事",
     "summary": "找工作、自主创业：就业创业证、灵活就业参保、创业担保贷款一次申请。",
     "guide": "失业或自主创业的，一次提交即可申领就业创业证，按需办理灵活就业人员养老保险参保和创业担保贷款；"
              "已创办实体的可同时申领一次性创业补贴。",
     "keywords": "找工作 创业 自主创业 灵活就业 打零工 失业再就业 创业贷款",
     "produced": [],
     "members": [("就业创业证申领", False, ""),
                 ("灵活就业人员企业职工基本养老保险参保登记", True, "没有单位、以灵活就业身份参保时选择"),
                 ("创业担保贷款申请", True, "创业需要贷款时选择"),
                 ("一次性创业补贴申领", True, "已创办实体正常经营 6 个月以上时选择")]},
    {"code": "YJS-09", "name": "企业开办一件事",
     "summary": "开公司：设立登记、刻章、领发票（并联），同时办理员工医保和公积金开户。",
     "guide": "企业开办全程网办，设立登记、公章刻制、发票申领由市场监管、公安、税务并联办理，一个工作日办结；"
              "需要招用员工的，同时办理职工医保参保登记和住房公积金单位缴存登记（营业执照由本次设立登记产生，无需提交）。",
     "keywords": "开公司 注册公司 成立公司 办公司 企业开办 开办企业",
     "produced": ["营业执照"],
     "members": [("企业设立登记（企业开办）", False, ""), ("职工基本医疗保险参保登记", True, "招用员工时选择"),
                 ("住房公积金单位缴存登记", True, "为员工缴存住房公积金时选择")]},
    {"code": "YJS-10", "name": "企业注销一件事",
     "summary": "关公司：清税、注销登记一次申请，卖烟的同时交回烟草专卖零售许可证。",
     "guide": "企业决定解散的，一次提交即可办理税务注销和企业注销登记；税务部门出具清税信息后，市场监管部门直接核准注销，"
              "无需另交清税证明。持有烟草专卖零售许可证的，同时办理歇业。",
     "keywords": "关公司 注销公司 公司注销 企业注销 不干了 清税",
     "produced": ["清税证明"],
     "members": [("注销税务登记", False, ""), ("企业注销登记", False, ""),
                 ("烟草专卖零售许可证停业、歇业", True, "持有烟草专卖零售许可证时选择")]},
]
