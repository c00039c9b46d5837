"""Word lists and planted model parameters of the platform side of the sample exports.

Everything here is data: program titles per genre, sponsors, platform spellings and id shapes,
per-platform half-lives, the topic-attention series and the activity model.
"""

from __future__ import annotations

from datetime import date

EDITION_BROADCAST = {2024: date(2024, 2, 9), 2025: date(2025, 1, 28)}  # 除夕
EDITION_NAMES = {2024: "第一届AI春晚", 2025: "第二届AI春晚"}
NEXT_EDITION_BROADCAST = {2024: date(2025, 1, 28), 2025: date(2026, 2, 16)}  # 2026 除夕
SPRING_FESTIVALS = {
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
}

# --- catalogue -----------------------------------------------------------------------------

GENRES = {  # zh -> canonical key (FORMATS.md section 1)
    "相声": "crosstalk",
    "小品": "sketch",
    "舞蹈": "dance",
    "音乐": "music",
    "MV": "mv",
    "纪录片": "documentary",
    "动画": "animation",
    "短片": "short_film",
}
GENRE_SHARES = {
    "相声": 0.10,
    "小品": 0.15,
    "舞蹈": 0.12,
    "音乐": 0.14,
    "MV": 0.15,
    "纪录片": 0.08,
    "动画": 0.12,
    "短片": 0.14,
}
GENRE_DURATION_S = {  # (low, high) seconds, all inside 1:30..12:00
    "相声": (300, 720),
    "小品": (300, 720),
    "舞蹈": (120, 300),
    "音乐": (150, 300),
    "MV": (150, 300),
    "纪录片": (360, 720),
    "动画": (90, 480),
    "短片": (90, 600),
}
UNKNOWN_GENRE = ("脱口秀", "AI脱口秀：我被模型优化了")

TITLES = {
    "相声": (
        "AI相声：算力不够",
        "AI相声：提示词大师",
        "我的数字分身",
        "模型也会胡说",
        "显卡告急",
        "AI相声：一键成片",
        "过年回家被催更",
        "论大模型的自我修养",
        "训练集里的年味",
        "参数越多越好",
        "AI算命",
        "AI相声：春联生成器",
        "我和AI抢春晚",
        "智能客服来拜年",
        "幻觉大师",
        "群聊里的机器人",
        "开源闭源论",
        "一句话生成春晚",
        "AI相声：我的GPU去哪了",
        "对口相声：人机对话",
    ),
    "小品": (
        "赛博拜年",
        "智能相亲",
        "AI年夜饭",
        "回家过年之数字分身",
        "二舅的AI摊位",
        "爸妈学AI",
        "机器人来拜年",
        "春运抢票AI",
        "我的虚拟男友",
        "外婆的数字菜谱",
        "年终总结生成器",
        "一家三代用AI",
        "村里来了个大模型",
        "AI面试官",
        "除夕加班夜",
        "红包算法",
        "拜年视频翻车记",
        "数字员工的年终奖",
        "老师，作业是AI写的",
        "邻居家的智能音箱",
    ),
    "舞蹈": (
        "赛博醒狮",
        "数字飞天",
        "霓虹秧歌",
        "千手·像素",
        "机甲龙舞",
        "AI敦煌",
        "水墨之舞",
        "光影剪纸",
        "赛博舞狮进万家",
        "云端芭蕾",
        "算法街舞",
        "粒子霓裳",
        "锦鲤游春",
        "数字孔雀",
        "鼓韵新春",
        "未来戏韵",
        "像素花灯",
        "星河踏歌",
        "舞动2049",
        "春江花月夜·AI",
    ),
    "音乐": (
        "新春序曲（AI版）",
        "年味儿",
        "算法恭喜",
        "家乡的年",
        "AI合唱团：难忘今宵",
        "电子民乐：春节序曲",
        "你好，新年",
        "数字乡愁",
        "星辰大海（AI翻唱）",
        "一起过年",
        "琴声里的团圆",
        "赛博国风组曲",
        "新年快乐（人机合唱）",
        "春风十里",
        "故乡的雪",
        "AI民谣：回家",
        "守岁",
        "灯火里的中国（AI编曲）",
        "红红火火",
        "归途",
    ),
    "MV": (
        "福气满满",
        "吉祥如意",
        "福到万家",
        "AI生成的家",
        "梦回长安",
        "未来故乡",
        "春日限定",
        "山海经·新说",
        "云上江南",
        "赛博江湖",
        "万家灯火",
        "团圆饭",
        "二十四节气",
        "烟花易冷（AI版）",
        "少年与龙",
        "长城之上",
        "星际春节",
        "年画里的人",
        "月光与锦鲤",
        "霓虹故里",
    ),
    "纪录片": (
        "一群做AI的人",
        "从0到1的春晚",
        "凌晨三点的渲染农场",
        "我在小镇做AI",
        "一百个夜晚",
        "素人创作者",
        "显卡与梦想",
        "他们用AI拍春晚",
        "退休教师的AI课",
        "AI与非遗",
        "远方的创作者",
        "屏幕后的人",
        "一帧一帧",
        "我们的春晚",
        "第一次上春晚",
        "乡村AI课堂",
        "创作者的年",
        "算力之外",
        "五百个共创者",
        "在路上",
    ),
    "动画": (
        "年兽大战机器人",
        "灶王爷的新算法",
        "小龙的春节",
        "月宫来信",
        "熊猫过年",
        "门神上班记",
        "福娃奇遇记",
        "纸鸢",
        "饺子星球",
        "机器人阿福",
        "一只会写春联的猫",
        "雪人与鞭炮",
        "年兽不想上班",
        "爷爷的灯笼",
        "兔子的年货",
        "星星岛的除夕",
        "小狮子学舞",
        "AI童话：年",
        "彩蛋工厂",
        "回家的小火车",
    ),
    "短片": (
        "团圆",
        "回家的路",
        "最后一班车",
        "母亲的手机",
        "如果AI会过年",
        "二零五零年的除夕",
        "父亲的照片",
        "远行",
        "一封家书",
        "时间的礼物",
        "雪落无声",
        "烟火",
        "留守",
        "电话那头",
        "归来",
        "老屋",
        "年夜",
        "第十三个月",
        "迟到的红包",
        "镜子里的春节",
    ),
}
CREDIT_DUTIES = ("导演", "编剧", "AI视频", "AI绘图", "配音", "作曲", "剪辑", "制片", "动画", "统筹")
CREATORS_PER_PROGRAM = {1: 15, 2: 25, 3: 25, 4: 17, 5: 11, 6: 7}
SPONSORS = (
    ("极光算力", "Aurora Compute"),
    ("星河云", "Galaxy Cloud"),
    ("灵感画板", "InspireCanvas"),
    ("声浪AI", "SoundWave AI"),
    ("墨影科技", "Moying Technology"),
    ("万象模型", "Wanxiang Models"),
)

# --- platforms -----------------------------------------------------------------------------

PLATFORMS = ("bilibili", "douyin", "wechat_channels", "xiaohongshu", "weibo", "youtube")
PLATFORM_SPELLINGS = {  # how the catalogue's 平台 column writes each platform (weights)
    "bilibili": {"B站": 50, "哔哩哔哩": 30, "bilibili": 20},
    "douyin": {"抖音": 85, "douyin": 15},
    "wechat_channels": {"视频号": 85, "wechat_channels": 15},
    "xiaohongshu": {"小红书": 85, "xiaohongshu": 15},
    "weibo": {"微博": 85, "weibo": 15},
    "youtube": {"YouTube": 80, "youtube": 20},
}
UNKNOWN_PLATFORM = "西瓜视频"
PUBLISH_ODDS = {  # chance a program is published on the platform
    "bilibili": 0.95,
    "douyin": 0.8,
    "wechat_channels": 0.6,
    "xiaohongshu": 0.5,
    "weibo": 0.45,
    "youtube": 0.4,
}
PUBLISH_DELAY_DAYS = {0: 60, 1: 25, 2: 7, 3: 4, 5: 2, 7: 2}  # days after the broadcast

EDITION_PLAYS = {2024: 3_900_000, 2025: 6_100_000}  # expected, before noise
PLATFORM_PLAY_SHARES = {
    "bilibili": 0.34,
    "douyin": 0.30,
    "weibo": 0.11,
    "wechat_channels": 0.10,
    "xiaohongshu": 0.08,
    "youtube": 0.07,
}
HALF_LIFE_DAYS = {  # planted per platform, per edition
    "bilibili": {2024: 6.0, 2025: 5.0},
    "douyin": {2024: 2.0, 2025: 1.5},
    "wechat_channels": {2024: 3.0, 2025: 2.5},
    "xiaohongshu": {2024: 4.0, 2025: 3.5},
    "weibo": {2024: 1.5, 2025: 1.2},
    "youtube": {2024: 9.0, 2025: 11.0},
}
PUBLISH_DAY_SHARE = 0.5  # the publish day (evening) relative to the next day's peak
WINDOW_DAYS = 121  # publish day .. +120
WEEKLY_PLAYS = (0.94, 0.92, 0.93, 0.95, 1.02, 1.12, 1.12)  # Mon..Sun
PLAY_NOISE_SIGMA = 0.10

UNMATCHED = {  # one content per platform that matches no program
    "bilibili": (2025, "AI春晚幕后花絮：彩排的最后一夜"),
    "douyin": (2024, "AI春晚后台探班vlog"),
    "wechat_channels": (2025, "AI春晚主创访谈合集"),
    "xiaohongshu": (2024, "AI春晚同款提示词分享"),
    "weibo": (2025, "AI春晚官方预告片"),
    "youtube": (2024, "AI Spring Festival Gala 2024 - Behind the Scenes"),
}

# --- live ----------------------------------------------------------------------------------

LIVE_PLATFORMS = {2024: ("bilibili", "douyin"), 2025: ("bilibili", "douyin", "wechat_channels")}
LIVE_ZH = {"bilibili": "B站", "douyin": "抖音", "wechat_channels": "视频号"}
LIVE_MINUTES = 251  # 20:00 .. 00:10 the next day
LIVE_PEAK_2024 = ("bilibili", "2024-02-09 22:38", 180_000)  # planted overall peak of 2024
LIVE_LEVELS = {  # approximate peak level before the planted overall peak is forced
    2024: {"bilibili": 172_000, "douyin": 138_000},
    2025: {"bilibili": 236_000, "douyin": 301_000, "wechat_channels": 88_000},
}

# --- activity ------------------------------------------------------------------------------

ACTIVITY_START = date(2023, 6, 1)
ACTIVITY_END = date(2026, 6, 30)
ACTIVITY_KINDS = {"none": 6, "one": 20, "two_three": 52, "keeps": 22}  # shares of participants
ACTIVITY_PLATFORMS = {
    "bilibili": 30,
    "douyin": 28,
    "xiaohongshu": 16,
    "wechat_channels": 12,
    "weibo": 8,
    "youtube": 6,
}
ACTIVITY_TITLE_FORMS = (
    "AI短片《{w}》",
    "用{t}做了一支{k}：{w}",
    "{w}｜{t}生成",
    "{t}工作流分享：{w}",
    "【AIGC】{w}",
    "{w}（{k}）",
    "试了试{t}：{w}",
)
ACTIVITY_WORDS = (
    "雪夜",
    "赛博年画",
    "山海",
    "归乡",
    "霓虹",
    "锦鲤",
    "长安夜",
    "星河",
    "春信",
    "灯会",
    "小城",
    "旧梦",
    "纸短情长",
    "江南",
    "龙门",
    "未来城",
    "机械之心",
    "风起",
    "烟雨",
    "少年",
)
ACTIVITY_TOOLS = ("可灵", "即梦", "Midjourney", "ComfyUI", "Suno", "海螺", "Runway", "Vidu")
ACTIVITY_WORK_KINDS = ("MV", "短片", "动画", "广告", "预告片", "音乐视频")

# --- topic attention -----------------------------------------------------------------------

ATTENTION_START = date(2023, 1, 1)
ATTENTION_END = date(2026, 6, 30)
ATTENTION_HALF_LIFE = {2023: 9.0, 2024: 12.0, 2025: 15.0, 2026: 11.0}  # days, planted per year
ATTENTION_RAMP_DAYS = 7  # the rise before the festival: A * 2^(-(F - t) / 1.5)
ATTENTION_RAMP_HALF = 1.5
WEEKLY_ATTENTION = (1.04, 1.05, 1.04, 1.03, 1.0, 0.92, 0.92)  # Mon..Sun
ATTENTION_NOISE_SIGMA = 0.04
# (keyword, source): level L_y of January-February per year, plateau ratio after March,
# spike amplitude as a multiple of L_y per year
ATTENTION_SERIES = {
    ("AI", "百度指数"): (
        {2023: 6000, 2024: 8500, 2025: 11000, 2026: 12500},
        0.82,
        {2023: 0.9, 2024: 1.0, 2025: 1.2, 2026: 1.0},
    ),
    ("AI视频", "百度指数"): (
        {2023: 900, 2024: 1600, 2025: 2600, 2026: 3200},
        0.8,
        {2023: 1.5, 2024: 2.5, 2025: 3.0, 2026: 2.2},
    ),
    ("AI春晚", "百度指数"): (
        {2023: 30, 2024: 80, 2025: 150, 2026: 180},
        0.6,
        {2023: 4.0, 2024: 60.0, 2025: 80.0, 2026: 50.0},
    ),
    ("大模型", "百度指数"): (
        {2023: 1500, 2024: 3000, 2025: 4200, 2026: 4800},
        0.85,
        {2023: 0.8, 2024: 0.8, 2025: 1.2, 2026: 0.9},
    ),
    ("AI春晚", "微信指数"): (
        {2023: 2000, 2024: 6000, 2025: 12000, 2026: 15000},
        0.5,
        {2023: 30.0, 2024: 120.0, 2025: 150.0, 2026: 90.0},
    ),
}
ATTENTION_GAPS = (  # (keyword, source, first day, days) rows left out of the file
    ("AI", "百度指数", date(2024, 7, 16), 3),
    ("AI视频", "百度指数", date(2024, 7, 16), 3),
    ("AI春晚", "百度指数", date(2024, 7, 16), 3),
    ("大模型", "百度指数", date(2024, 7, 16), 3),
    ("AI春晚", "微信指数", date(2025, 6, 2), 1),
    ("AI视频", "百度指数", date(2023, 11, 5), 1),
)
ATTENTION_OUTLIERS = (  # (keyword, source, day, factor, note)
    ("大模型", "百度指数", date(2023, 3, 16), 3.2, "文心一言发布会"),
    ("AI视频", "百度指数", date(2024, 12, 10), 4.0, "Sora 公开上线"),
    ("AI", "百度指数", date(2025, 9, 18), 2.6, "数据异常（疑似刷量）"),
)
