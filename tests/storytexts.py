"""Project-written article texts shared by the story, search and watch tests."""

from __future__ import annotations

# One wire report, in three body paragraphs.
WIRE = [
    "8月22日，英伟达通知部分供应商暂停H20芯片的生产工作，涉及封装和测试环节的多家合作企业。",
    "知情人士称，英伟达此前已要求安靠和三星暂停与H20相关的工作，公司尚未就此事公开置评。",
    "分析人士认为，H20停产将给国内算力采购带来不确定性，寒武纪、海光信息等国产厂商有望受益。",
]
# The same wire text reposted with a source line: a near-duplicate.
REPOST = [*WIRE[:2], WIRE[2] + "（来源：财联社）"]
# Another event entirely.
EARNINGS = [
    "寒武纪发布2025年半年度报告，上半年实现营业收入28.81亿元，同比增长4347.82%。",
    "公司表示，云端智能芯片及加速卡业务收入增长明显，研发投入持续加大。",
]
