-- target_page_results: the reported results of one programme beside their targets, for the
--                      targets page (achieved, target range, computed and stated percent).
-- grain: one row per result indicator.
-- params: $programme_id (text or null for every programme), $content_area (text or null).
-- sources: target_results (derived at build from results).
with results as (
    select * from target_results
    where
        ($programme_id is null or programme_id = $programme_id)
        and ($content_area is null or content_area = $content_area)
),

final as (
    select
        programme_id,
        result_code,
        content_area,
        indicator,
        indicator_en,
        unit,
        achieved,
        achieved_qualifier,
        achieved_text,
        target_basis,
        target_min,
        target_max,
        target_point,
        target_text,
        achievement_pct,
        stated_pct,
        stated_pct_text,
        note,
        source_file,
        source_line,
        target_basis is not null as has_target,
        year  -- a yearly report's output: the page labels it with its year
    from results
)

select * from final
order by programme_id, result_code
