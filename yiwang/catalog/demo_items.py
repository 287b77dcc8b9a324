"""The demo county's 事项实施清单: about 130 service items of 16 departments, written compactly.

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
                      "NY": "15", "SL": "16"}
WINDOWS = {"SCJG": "9 号窗口（企业开办专区）", "GA": "13 号窗口（公安综合窗口）", "RS": "16 号窗口（社保就业专区）",
           "ZJ": "19 号窗口（工程建设项目审批专区）", "ZRZY": "20 号窗口（不动产登记专区）", "SW": "23 号窗口（办税服务专区）",
           "WJ": "27 号窗口（卫生健康）", "JY": "28 号窗口（教育）", "MZ": "26 号窗口（民政救助）", "JT": "29 号窗口（交通运输）",
           "CG": "30 号窗口（城市管理）", "YJ": "31 号窗口（应急管理）", "HB": "32 号窗口（生态环境）", "WL": "33 号窗口（文化旅游）",
           "NY": "34 号窗口（农业农村）", "SL": "35 号窗口（水利）"}
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
     keywords="生育登记 准生证 二孩 三孩 怀孕 生育服务证",
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
     materials=["E:死亡证明|pdf,jpg", "$id", "E:火化证明|pdf,jpg"],
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
