-- Every stored questionnaire version with its definition (grain: questionnaire x version).
select
    questionnaire_id,
    questionnaire_version,
    title_zh,
    title_en,
    definition_sha256,
    cast(definition as varchar) as definition,
    definition_yaml,
    coalesce(origin, 'file') as origin,
    source_file_sha256,
    coalesce(is_current, true) as is_current,
    first_loaded_at
from dim_questionnaire
order by questionnaire_id, questionnaire_version
