"""A survey that is not the gala's, written into a copy of the demo warehouse the way a load
writes one (dim_questionnaire / dim_question / dim_question_option, fct_survey_response,
fct_survey_answer): a world-wide creator survey with country, age, gender, education, a
multi-select, a rating and a ranking question, over two waves."""

from __future__ import annotations

import json
import random
import shutil
from datetime import datetime
from pathlib import Path

from warehouse import store

SURVEY_ID = "world-creators"
TITLE = {"zh": "全球AI创作者调查", "en": "Global AI creator survey"}
YEARS = (2023, 2024)
# (question id, type, zh, en, semantic, options [(key, zh, en)])
QUESTIONS = [
    (
        "q_tools",
        "multi",
        "您用过哪些工具",
        "Tools you have used",
        None,
        [
            ("midjourney", "Midjourney", "Midjourney"),
            ("sora", "Sora", "Sora"),
            ("comfy", "ComfyUI", "ComfyUI"),
            ("kling", "可灵", "Kling"),
        ],
    ),
    ("q_country", "country", "您所在的国家", "Country you live in", "country", []),
    (
        "q_age",
        "age",
        "您的年龄",
        "Your age",
        "age",
        [
            ("18_24", "18-24岁", "18-24"),
            ("25_29", "25-29岁", "25-29"),
            ("30_34", "30-34岁", "30-34"),
        ],
    ),
    ("q_sat", "rating", "您对社区的满意度", "Satisfaction with the community", None, []),
    (
        "q_edu",
        "single",
        "您的最高学历",
        "Highest education",
        "education",
        [("bachelor", "本科", "Bachelor"), ("master", "硕士", "Master"), ("phd", "博士", "PhD")],
    ),
    (
        "q_gender",
        "gender",
        "您的性别",
        "Your gender",
        "gender",
        [("male", "男", "Male"), ("female", "女", "Female"), ("other", "其他", "Other")],
    ),
    (
        "q_rank",
        "ranking",
        "最想要的支持（排序）",
        "Support wanted most (ranked)",
        None,
        [
            ("money", "奖金", "Prize money"),
            ("exposure", "曝光", "Exposure"),
            ("compute", "算力", "Compute"),
        ],
    ),
    ("q_note", "text", "其他建议", "Other suggestions", None, []),
]
# Answer pools: skewed so that some cells are small.
COUNTRIES = ["德国"] * 14 + ["United States"] * 18 + ["日本"] * 9 + ["France"] * 3 + ["巴西"] * 2
AGES = ["18_24"] * 10 + ["25_29"] * 22 + ["30_34"] * 14
GENDERS = ["male"] * 25 + ["female"] * 18 + ["other"] * 3
EDUCATION = ["bachelor"] * 24 + ["master"] * 17 + ["phd"] * 5
RESPONDENTS = {2023: 46, 2024: 38}


def add_world_survey(source_home: Path, home: Path) -> Path:
    """A new warehouse home: the demo's snapshot plus the world survey (two waves)."""
    (home / "snapshots").mkdir(parents=True)
    snapshot = store.current_snapshot(source_home)
    assert snapshot is not None
    shutil.copyfile(snapshot, home / "snapshots" / snapshot.name)
    shutil.copyfile(source_home / store.POINTER, home / store.POINTER)
    rng = random.Random(7)
    definition = {
        "id": SURVEY_ID,
        "version": 1,
        "title": TITLE,
        "questions": [
            {"id": q, "type": kind, "text": {"zh": zh, "en": en}, "semantic": semantic}
            for q, kind, zh, en, semantic, _ in QUESTIONS
        ],
    }
    now = datetime(2024, 5, 1, 12, 0)
    with store.open_for_write(home) as session:
        con = session.con
        con.execute(
            "insert into dim_questionnaire (questionnaire_id, questionnaire_version, title_zh, "
            "title_en, definition_sha256, definition, first_loaded_at, origin, is_current) "
            "values (?, 1, ?, ?, 'sha-world', ?, ?, 'drafted', true)",
            [SURVEY_ID, TITLE["zh"], TITLE["en"], json.dumps(definition, ensure_ascii=False), now],
        )
        for position, (qid, kind, zh, en, _semantic, options) in enumerate(QUESTIONS, 1):
            con.execute(
                "insert into dim_question values (?, 1, ?, ?, ?, ?, ?, false, false)",
                [SURVEY_ID, qid, position, kind, zh, en],
            )
            for code, (key, ozh, oen) in enumerate(options, 1):
                con.execute(
                    "insert into dim_question_option values (?, 1, ?, 'option', ?, ?, ?, ?, false)",
                    [SURVEY_ID, qid, key, code, ozh, oen],
                )
        for year in YEARS:
            load_id = f"load-world-{year}"
            for n in range(RESPONDENTS[year]):
                rid, pid = f"w{year}_{n:03d}", f"p_world_{year}_{n:03d}"
                age = rng.choice(AGES)
                gender = rng.choice(GENDERS)
                con.execute(
                    "insert into fct_survey_response (response_id, survey_key, questionnaire_id,"
                    " questionnaire_version, edition_year, source_response_no, participant_id,"
                    " submitted_at, age_raw, age_band, gender_raw, gender, load_id, row_number)"
                    " values (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        rid,
                        f"{SURVEY_ID}:{year}",
                        SURVEY_ID,
                        year,
                        str(n + 1),
                        pid,
                        datetime(year, 3, 1),
                        age,
                        age,
                        gender,
                        gender,
                        load_id,
                        n + 2,
                    ],
                )
                answers = [
                    ("q_country", "", rng.choice(COUNTRIES), None, None),
                    ("q_age", "", age, None, None),
                    ("q_gender", "", gender, None, None),
                    ("q_edu", "", rng.choice(EDUCATION), None, None),
                    ("q_sat", "", None, float(rng.choice([3, 4, 4, 5, 5, 5, 2])), None),
                ]
                for tool in rng.sample(["midjourney", "sora", "comfy", "kling"], rng.randint(1, 3)):
                    answers.append(("q_tools", tool, tool, 1.0, None))
                order = rng.sample(["money", "exposure", "compute"], 3)
                for rank, item in enumerate(order, 1):
                    answers.append(("q_rank", item, item, None, rank))
                answers.append(("q_note", "", "希望多办线下活动", None, None))
                for qid, item, text, number, rank in answers:
                    con.execute(
                        "insert into fct_survey_answer (response_id, question_id, item_key,"
                        " answer_status, answer_text, answer_number, answer_rank, load_id)"
                        " values (?, ?, ?, 'answered', ?, ?, ?, ?)",
                        [
                            rid,
                            qid,
                            item,
                            None if text is None else str(text),
                            number,
                            rank,
                            load_id,
                        ],
                    )
        session.mark_changed()
    return home
