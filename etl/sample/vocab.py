"""Word lists, spellings and planted target shares used by the sample-export generator.

Everything here is data: names, cities with their many spellings, free-text pools and the
target distributions the generator plants in the valid, de-duplicated responses.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- people -------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏"
    "苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵"
)
GIVEN_MALE = "伟强磊军洋勇杰涛明超鹏辉浩宇航晨阳俊峰凯斌博文轩豪睿哲远彬鑫昊天乐然川野"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞婷雪琳颖璐倩萱怡欣悦佳嘉雯晴瑶妍琪菲蕾梦诗思语婉童"

PHONE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]
WECHAT_WORDS = [
    "ai",
    "mj",
    "art",
    "film",
    "pixel",
    "dream",
    "lens",
    "studio",
    "creator",
    "neon",
    "comfy",
    "frame",
    "muse",
    "echo",
    "nova",
    "lumi",
    "vision",
    "story",
    "cine",
    "byte",
    "sketch",
    "flow",
]
EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "foxmail.com")

# --- places -------------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    """A canonical city with its IP province (or country) and the ways people write it."""

    name: str
    province: str
    overseas: bool
    spellings: tuple[str, ...]


def _city(name: str, province: str, *spellings: str, overseas: bool = False) -> City:
    """Build a City whose first spelling is the canonical name."""
    return City(name, province, overseas, (name, *spellings))


MAIN_CITIES = (
    _city(
        "上海", "上海", "上海市", "上海市浦东新区", "上海徐汇", "Shanghai", "shanghai", "SH", "沪"
    ),
    _city("北京", "北京", "北京市", "北京市朝阳区", "北京海淀", "Beijing", "BJ", "北京 朝阳"),
    _city("杭州", "浙江", "杭州市", "杭州市西湖区", "浙江杭州", "Hangzhou", "浙江省杭州市余杭区"),
    _city("深圳", "广东", "深圳市", "深圳南山", "广东深圳", "Shenzhen", "广东省深圳市福田区"),
    _city("广州", "广东", "广州市", "广东广州", "Guangzhou", "广州天河"),
    _city("成都", "四川", "成都市", "四川成都", "Chengdu", "成都高新区"),
    _city("南京", "江苏", "南京市", "江苏南京", "Nanjing", "南京市鼓楼区"),
    _city("武汉", "湖北", "武汉市", "湖北武汉", "Wuhan"),
)
TAIL_CITIES = (
    _city("苏州", "江苏", "苏州市", "江苏苏州"),
    _city("西安", "陕西", "西安市", "陕西西安", "Xi'an"),
    _city("重庆", "重庆", "重庆市", "Chongqing"),
    _city("长沙", "湖南", "长沙市", "湖南长沙"),
    _city("厦门", "福建", "厦门市", "福建厦门"),
    _city("青岛", "山东", "青岛市", "山东青岛"),
    _city("天津", "天津", "天津市"),
    _city("合肥", "安徽", "合肥市", "安徽合肥"),
    _city("郑州", "河南", "郑州市", "河南郑州"),
    _city("福州", "福建", "福州市", "福建福州"),
    _city("昆明", "云南", "昆明市", "云南昆明"),
    _city("晋城", "山西", "山西-晋城", "山西晋城", "晋城市"),
    _city("宁波", "浙江", "宁波市", "浙江宁波"),
    _city("佛山", "广东", "佛山市", "广东佛山"),
    _city("东莞", "广东", "东莞市", "广东东莞"),
    _city("大连", "辽宁", "大连市", "辽宁大连"),
    _city("济南", "山东", "济南市", "山东济南"),
    _city("南昌", "江西", "南昌市", "江西南昌"),
    _city("无锡", "江苏", "无锡市", "江苏无锡"),
    _city("贵阳", "贵州", "贵阳市", "贵州贵阳"),
)
OVERSEAS_CITIES = (
    _city("东京", "日本", "Tokyo", "日本东京", "日本 东京", overseas=True),
    _city("旧金山", "美国", "San Francisco", "美国旧金山", overseas=True),
    _city("新加坡", "新加坡", "Singapore", overseas=True),
    _city("伦敦", "英国", "London", "英国伦敦", overseas=True),
    _city("纽约", "美国", "New York", "美国纽约", "NYC", overseas=True),
)
ALL_CITIES = MAIN_CITIES + TAIL_CITIES + OVERSEAS_CITIES
CITY_BY_NAME = {c.name: c for c in ALL_CITIES}
UNMAPPABLE_CITY_TEXTS = ("火星", "老家", "地球", "到处漂")

IP_PREFIXES = (
    "183.192",
    "117.136",
    "36.110",
    "112.65",
    "101.88",
    "223.104",
    "39.144",
    "120.229",
    "115.171",
    "171.43",
    "106.39",
    "58.246",
    "222.70",
    "124.78",
    "113.87",
    "61.148",
)
IP_PREFIXES_OVERSEAS = ("126.78", "73.162", "118.200", "81.2", "104.28", "153.246")

# --- planted targets (shares of the valid, de-duplicated responses of each edition) ---------

AGE_SHARES = {
    "under_18": 0.01,
    "18_24": 0.14,
    "25_29": 0.30,
    "30_34": 0.27,
    "35_39": 0.14,
    "40_44": 0.08,
    "45_49": 0.04,
    "50_plus": 0.02,
}
AGE_BAND_YEARS = {
    "under_18": (15, 17),
    "18_24": (18, 24),
    "25_29": (25, 29),
    "30_34": (30, 34),
    "35_39": (35, 39),
    "40_44": (40, 44),
    "45_49": (45, 49),
    "50_plus": (50, 58),
}
ROLE_SHARES = {
    "product_manager": 0.43,
    "film_advertising": 0.12,
    "designer": 0.10,
    "engineer": 0.09,
    "artist_creator": 0.07,
    "marketing_operations": 0.06,
    "student": 0.05,
    "teacher_researcher": 0.03,
    "founder": 0.03,
    "other": 0.02,
}
GENDER_SHARES = {"male": 0.62, "female": 0.36, "other": 0.01, "undisclosed": 0.01}
MAIN_CITY_SHARES = {
    "上海": 0.25,
    "北京": 0.15,
    "杭州": 0.10,
    "深圳": 0.09,
    "广州": 0.06,
    "成都": 0.05,
    "南京": 0.04,
    "武汉": 0.03,
}
OVERSEAS_SHARE = 0.04
TAIL_SHARE = round(1.0 - sum(MAIN_CITY_SHARES.values()) - OVERSEAS_SHARE, 4)
CITY_SHARES = {
    **MAIN_CITY_SHARES,
    **{c.name: TAIL_SHARE / len(TAIL_CITIES) for c in TAIL_CITIES},
    **{c.name: OVERSEAS_SHARE / len(OVERSEAS_CITIES) for c in OVERSEAS_CITIES},
}
TOOL_SHARES = {
    "kling": 0.62,
    "jimeng": 0.58,
    "midjourney": 0.55,
    "comfyui": 0.48,
    "stable_diffusion": 0.35,
    "suno": 0.28,
    "hailuo": 0.25,
    "runway": 0.22,
    "vidu": 0.18,
    "tongyi": 0.15,
    "sora": 0.10,
    "other": 0.06,
}
HOURS_SHARES = {"lt_5": 0.30, "5_10": 0.35, "10_20": 0.22, "gt_20": 0.13}
INCOME_SHARES = {"none": 0.45, "lt_1k": 0.25, "1k_10k": 0.17, "10k_50k": 0.09, "gt_50k": 0.04}
WILL_RETURN_SHARES = {"yes": 0.72, "maybe": 0.23, "no": 0.05}
SATISFACTION_SHARES = {
    10: 0.18,
    9: 0.22,
    8: 0.28,
    7: 0.16,
    6: 0.07,
    5: 0.05,
    4: 0.02,
    3: 0.01,
    2: 0.01,
}
# works_past_year buckets: (low, high) -> share; the "two or three works then stop" pattern
WORKS_BUCKETS = {
    (0, 0): 0.04,
    (1, 1): 0.12,
    (2, 2): 0.30,
    (3, 3): 0.24,
    (4, 4): 0.08,
    (5, 5): 0.06,
    (6, 10): 0.10,
    (11, 30): 0.05,
    (31, 120): 0.01,
}
RETURNING_SHARE_2025 = 0.40
EXPERIENCE_RANGE = (1, 36)

# --- multi-choice weights (independent per option, not planted exactly) ----------------------

PROGRAM_WEIGHTS = {
    "crosstalk": 0.12,
    "sketch": 0.30,
    "dance": 0.15,
    "music": 0.35,
    "mv": 0.32,
    "documentary": 0.08,
    "animation": 0.25,
    "short_film": 0.30,
    "other": 0.04,
}
COMMUNITY_WEIGHTS = {
    "wayto_agi": 0.75,
    "liblib": 0.35,
    "civitai": 0.12,
    "xiaohongshu_group": 0.30,
    "bilibili_ai": 0.25,
    "local_meetup": 0.20,
    "other": 0.05,
}
MOTIVATION_WEIGHTS = {
    "learn": 0.70,
    "exposure": 0.35,
    "friends": 0.55,
    "feedback": 0.30,
    "career": 0.25,
    "fun": 0.50,
    "other": 0.04,
}
RANKING_WEIGHTS = {"feedback": 3.0, "direction": 2.5, "theme": 1.5, "exposure": 2.2, "income": 1.8}
ASPECT_SCORE_WEIGHTS = (0.02, 0.05, 0.18, 0.40, 0.35)  # scores 1..5

# --- free text ------------------------------------------------------------------------------

ROLE_OTHER_TEXTS = (
    "广告导演",
    "自由插画师",
    "AI讲师",
    "自由职业",
    "短视频博主",
    "公务员",
    "医生",
    "全职妈妈",
)
ROLE_PM_VARIANTS = ("产品", "AI产品经理", "产品经理", "AI产品")
TOOL_OTHER_TEXTS = ("Pika", "Krea", "Luma", "PixVerse", "腾讯混元", "剪映", "Tripo")
PROGRAM_OTHER_TEXTS = ("脱口秀", "魔术", "戏曲", "广告片")
COMMUNITY_OTHER_TEXTS = ("知识星球", "即刻AI圈", "Discord", "公司内部群")
MOTIVATION_OTHER_TEXTS = ("朋友拉我来的", "公司要求", "想拿奖", "给孩子做个榜样")

SUGGESTIONS = (
    "希望多办线下活动",
    "希望能有更多技术分享，尤其是ComfyUI工作流",
    "流程可以再清晰一点，截止时间总是临时通知",
    "感谢组织者！🎉",
    "建议提前公布主题，给大家更多准备时间",
    "希望给新人更多指导\n比如一对一反馈",
    "“共创”的氛围很好，但沟通群太多了",
    '朋友说"AI春晚"是今年最好玩的事, 我同意',
    "算力支持可以再多一些，显卡不够用😭",
    "希望作品有更多曝光渠道，比如B站首页推荐",
    "宣传推广还可以加强，身边朋友都不知道有这个活动",
    "建议设置奖项，激励大家",
    "能不能出一个作品版权说明？",
    "希望明年继续！🙏🙏",
    "时间线太赶了，除夕前一周还在改片",
    "多一些导演和编剧的沟通会",
    "无",
    "没有",
    "挺好的",
    "音乐版权问题需要说明",
    "希望有商业合作机会",
    "字幕和配音的规范统一一下",
    "希望能有线上直播的彩排",
    "建议按节目类型分组，每组有负责人",
    "加油！",
    "希望开放更多工具的会员额度",
    "直播那天有点卡，服务器要升级",
    "工作坊可以录屏，方便回看",
    "1. 提前定主题\n2. 多一些反馈\n3. 线下聚会",
    "给每个作品署名，把所有共创者的名字都打上去",
    '希望和高校合作，"AI+教育"方向',
    "素材库能共享就好了, 省得每个人重复找",
)
# formula-looking suggestions planted once per edition (must stay text in every export)
FORMULA_SUGGESTIONS = {
    2024: ("=希望多办线下活动", "+1，同楼上", "@组织者 辛苦了"),
    2025: ("=多一些技术分享", "+1 希望有线下场", "-无-"),
}

ROSTER_COMMUNITIES = {
    "WaytoAGI": 0.60,
    "LiblibAI": 0.12,
    "小红书AI创作群": 0.12,
    "B站AI区": 0.10,
    "线下AI创作者聚会": 0.06,
}
ROSTER_DUTIES = ("导演", "编剧", "AI绘图", "AI视频", "配乐", "剪辑", "统筹")
