-- quality_uncertain_targets: targets whose quantity the parser could not read with certainty.
-- grain: one row per target with parse_certain = false.
-- params: $programme_id (text, or null for every programme).
-- sources: targets, programmes.
with uncertain as (
    select * from targets
    where not parse_certain and ($programme_id is null or programme_id = $programme_id)
),

final as (
    select
        u.programme_id,
        p.province,
        coalesce(u.task_code, u.goal_code) as item_code,
        u.indicator,
        u.unit,
        u.target_min,
        u.target_max,
        u.qualifier,
        u.quantity_text,
        u.source_text,
        u.source_file,
        u.source_line
    from uncertain as u
    inner join programmes as p using (programme_id)
)

select * from final
order by programme_id, source_file, item_code
