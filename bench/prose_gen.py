"""Varied prose of realistic length and shape for generated reports: each report its own text.

Real annual reports run to 2,500–4,500 characters (淮安市 2024: 3,644): a preface, six overview parts,
problems with their remedies (一是…二是…), and a fee sentence. Here each part is a random choice and order
of sentence templates filled with the report's own names and numbers, so no two reports share their text
(as no two offices do), and last year's report repeats part of this year's sentences, as a copied Word file
does. Same seed, same text.
"""

from __future__ import annotations

import random

PLACES = ("东关", "西村", "南岭", "北岗", "城关", "河口", "青龙", "白云", "石桥", "柳林", "黄庄", "马坊", "杨集", "高村",
          "李寨", "王屯", "云台", "周庄", "郇封", "方庄", "金城", "五里源", "七贤", "宁城")
TOPICS = ("财政预决算", "惠农补贴发放", "乡村振兴项目", "安全生产", "环境保护", "义务教育", "医疗卫生", "社会救助",
          "就业创业", "防汛抗旱", "耕地保护", "征地拆迁", "营商环境", "养老服务", "食品药品监管", "公共资源交易",
          "重大建设项目", "行政执法公示", "疫情防控", "人居环境整治", "农村集体三资", "住房保障")
CHANNELS = ("政府门户网站信息公开专栏", "政务微信公众号", "政务微博", "村务公开栏", "便民服务中心电子屏",
            "政务服务网", "新闻发布会", "政府公报", "档案馆查阅点", "图书馆查阅点")
OFFICES = ("党政办", "办公室", "综合办公室", "政务公开办", "法制股", "行政审批股")

PREFACE = (
    "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发"
    "〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求，{org}编制了"
    "{year}年政府信息公开工作年度报告。",
    "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
    "存在的主要问题及改进情况、其他需要报告的事项等六部分组成。",
    "本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
    "本报告电子版可在{channel}下载。如对本报告有疑问，请与{org}{office}联系（地址：{place}路{n1}号，电话：0391-{phone}）。",
)
PROACTIVE = (
    "{year}年，{short}通过{channel}主动公开政府信息{n2}条，其中{topic}类信息{n1}条。",
    "围绕{topic}、{topic2}等社会关注事项，及时发布政策文件、执行情况和办理结果，全年发布政策解读{n1}篇。",
    "持续推进基层政务公开标准化规范化，更新{topic}领域公开事项目录，梳理公开事项{n1}项。",
    "在{channel}开设“{topic}”专题，集中公开资金分配、项目进展和受益对象等信息{n2}条。",
    "做好重要政策的解读回应，主要负责同志带头解读{n0}次，回应社会关切{n1}次。",
    "按要求公开部门预算、决算和“三公”经费，公开时限和内容符合规定。",
    "落实行政执法公示制度，公示行政许可和行政处罚结果{n2}条，执法信息做到应公开尽公开。",
)
MANAGEMENT = (
    "调整充实政务公开工作领导小组，明确{office}为政府信息公开工作机构，配备专兼职工作人员{n0}名。",
    "严格执行信息发布前保密审查和“三审”制度，全年审查拟公开信息{n2}条，未发生失泄密事件。",
    "建立政府信息管理动态调整机制，对{year_before}年以前制发的{n1}件文件开展公开属性复核。",
    "完善依申请公开登记、审核、答复、归档等工作流程，规范答复文书格式。",
    "组织开展政务公开业务培训{n0}次，培训{n1}人次，提升工作人员业务能力。",
)
PLATFORM = (
    "依托{channel}和{channel2}发布政府信息，及时更新栏目内容，全年栏目更新{n2}次。",
    "加强政府网站和政务新媒体管理，开展网站内容安全检查{n0}次，整改问题{n0}个。",
    "在{place}便民服务中心设置政府信息公开查阅点，配备电脑和查询设备，方便群众查阅。",
    "通过{channel}推送政策信息{n2}条，阅读量累计{n3}人次。",
)
OVERSIGHT = (
    "将政务公开工作纳入年度目标绩效考核，考核分值占比{n0}%。",
    "邀请人大代表、政协委员和群众代表参与社会评议{n0}次，收集意见建议{n1}条，均已办理反馈。",
    "全年未发生因政府信息公开工作追究相关责任人员责任的情况。",
    "对照年度工作要点开展自查{n0}次，对发现的问题建立台账，逐项整改。",
)
PROBLEMS = (
    ("{topic}领域信息公开的及时性有待提高，部分信息更新滞后。",
     "下一步将建立月度检查制度，由{office}每月通报各单位更新情况。"),
    ("政策解读形式较为单一，图表、视频等解读比例不高。",
     "下一步将丰富解读形式，增加图解、音视频解读，提升解读质量。"),
    ("依申请公开办理人员业务能力有待提升，答复规范性不够。",
     "下一步将组织专题培训{n0}次，编制办理流程指引，规范答复文书。"),
    ("基层政务公开标准化规范化程度不够，{topic2}事项目录不够细化。",
     "下一步将对照国务院部门发布的标准指引，细化完善{topic2}领域公开目录。"),
    ("政府网站栏目内容存在更新不及时、信息归类不准确等问题。",
     "下一步将开展栏目清理，明确栏目责任人，确保信息准确归类、及时更新。"),
    ("政民互动回应质量有待提升，部分留言答复不够具体。",
     "下一步将完善留言办理机制，提高答复的针对性和时效性。"),
)
ORDINALS = "一二三四五六七八"
OTHER = (
    "{year}年，{short}未收取信息处理费。",
    "依据《政府信息公开信息处理费管理办法》，{year}年{short}共发出收费通知{n0}件，实际收取信息处理费{n0}件，"
    "收费金额{fee}元。",
)
OTHER_TAIL = (
    "{year}年度政务公开工作要点落实情况：按照上级工作要点要求，逐项细化任务分工，全部按期完成。",
    "人大代表建议和政协提案办理结果公开情况：全年承办建议提案{n1}件，均已按期办结并公开办理结果。",
)


def _fill(rng: random.Random, template: str, names: dict[str, str]) -> str:
    return template.format(
        **names,
        topic=rng.choice(TOPICS), topic2=rng.choice(TOPICS), channel=rng.choice(CHANNELS),
        channel2=rng.choice(CHANNELS), place=rng.choice(PLACES),
        n0=rng.randint(1, 9), n1=rng.randint(5, 99), n2=rng.randint(40, 990), n3=rng.randint(1000, 99999),
        phone=rng.randint(1000000, 9999999), fee=rng.choice(("0", "20", "150", "1,200")),
    )


def _part(rng: random.Random, templates: tuple[str, ...], names: dict[str, str], reps: int) -> str:
    """`reps` passes over a random selection of the templates: a paragraph per pass."""
    paragraphs = []
    for _ in range(reps):
        chosen = rng.sample(templates, k=rng.randint(max(1, len(templates) - 2), len(templates)))
        paragraphs.append("".join(_fill(rng, t, names) for t in chosen))
    return "\n".join(paragraphs)


def prose(rng: random.Random, org: str, short: str, year: int, on_request: str = "") -> dict[str, str]:
    """One report's prose (values.PROSE_FIELDS), about 2,500–4,500 characters, its own names and numbers."""
    names = {"org": org, "short": short, "year": str(year), "year_before": str(year - 5),
             "office": rng.choice(OFFICES)}
    problems = rng.sample(PROBLEMS, k=rng.randint(3, 6))
    return {
        "preface": "".join(_fill(rng, t, names) for t in PREFACE),
        "overview_proactive": _part(rng, PROACTIVE, names, rng.randint(4, 6)),
        "overview_on_request": on_request or _fill(rng, "全年新收政府信息公开申请{n1}件，均已按期答复。", names),
        "overview_management": _part(rng, MANAGEMENT, names, rng.randint(2, 4)),
        "overview_platform": _part(rng, PLATFORM, names, rng.randint(2, 3)),
        "overview_oversight": _part(rng, OVERSIGHT, names, rng.randint(2, 3)),
        "problems": "\n".join(
            f"{ORDINALS[i]}是{_fill(rng, p, names)}{_fill(rng, fix, names)}" for i, (p, fix) in enumerate(problems)),
        "other_matters": _fill(rng, rng.choice(OTHER), names) + "".join(_fill(rng, t, names) for t in OTHER_TAIL),
    }


def last_year(rng: random.Random, this_year: dict[str, str], org: str, short: str, year: int,
              copied: float = 0.35) -> dict[str, str]:
    """Last year's prose: its own text, except that about `copied` of the parts are this year's, as copied."""
    out = prose(rng, org, short, year - 1)
    for name in out:
        if name != "overview_on_request" and rng.random() < copied:
            out[name] = this_year[name].replace(str(year), str(year - 1))
    return out
