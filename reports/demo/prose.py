"""Sample prose for the demo report: our own short text, not the seed document's sentences."""

PROSE = {
    "preface": (
        "根据《中华人民共和国政府信息公开条例》规定，现公布西村乡人民政府2023年政府信息公开工作年度报告。"
        "本报告统计期限自2023年1月1日起至2023年12月31日止。"
    ),
    "overview_proactive": (
        "全年通过修武县人民政府网政府信息公开专栏主动公开乡级政务信息65条，"
        "重点公开财政预决算、惠农补贴发放、乡村振兴项目等群众关心的内容。"
    ),
    "overview_on_request": (
        "本年新收政府信息公开申请4件，上年结转0件；办结2件，均予以公开；结转下年度继续办理2件。"
    ),
    "overview_management": (
        "明确党政办为政府信息公开工作机构，落实信息发布前保密审查和“三审”制度，及时更新公开目录。"
    ),
    "overview_platform": (
        "依托县政府门户网站乡镇专栏和村务公开栏发布信息，在乡便民服务中心设置政府信息查阅点。"
    ),
    "overview_oversight": (
        "将政务公开工作纳入年度目标绩效考核，组织业务培训2次；全年未收到社会评议中的负面意见，"
        "未发生追究相关责任人员责任的情况。"
    ),
    "problems": (
        "一是部分村级公开内容更新不够及时。下一步将建立月度检查制度，由党政办每月通报更新情况。\n"
        "二是依申请公开办理人员经验不足。下一步将组织专题培训，并编制办理流程指引。"
    ),
    "other_matters": "2023年，本单位未收取信息处理费。",
}


def prose_for(org_name: str, short_name: str, year: int, *, applications: str, fee: str) -> dict[str, str]:
    """Short sample prose for the other demo reports, in the same shape as PROSE."""
    return {
        "preface": (
            f"根据《中华人民共和国政府信息公开条例》规定，现公布{org_name}{year}年政府信息公开工作年度报告。"
            f"本报告统计期限自{year}年1月1日起至{year}年12月31日止。"
        ),
        "overview_proactive": f"{year}年，{short_name}通过修武县人民政府网主动公开政务信息，重点公开财政资金、民生项目和办事指南。",
        "overview_on_request": applications,
        "overview_management": "落实信息发布前保密审查，明确政府信息公开工作机构和人员，及时更新公开目录。",
        "overview_platform": "依托县政府门户网站政府信息公开专栏发布信息，并在服务大厅设置查阅点。",
        "overview_oversight": (
            "将政务公开工作纳入年度目标考核，组织业务培训；全年未收到社会评议中的负面意见，"
            "未发生追究相关责任人员责任的情况。"
        ),
        "problems": (
            f"一是公开内容的时效性有待提高。下一步将建立月度检查制度，按月通报更新情况。\n"
            f"二是依申请公开办理的规范化程度不够。下一步将编制{short_name}办理流程指引并组织培训。"
        ),
        "other_matters": fee,
    }
