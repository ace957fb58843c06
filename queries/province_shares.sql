-- province_shares: each province's khuyến công budget split over the common content areas
--                  (KC1..KC9), one series per province and period, for a side-by-side comparison.
-- grain: one row per (province, period) and content area; every content area is listed for every
--        series (0 where no task of the programme is mapped to it).
-- params: $provinces (list of province names, or null for every province).
-- sources: programmes, budget_lines, content_areas.
-- Every khuyến công programme with budget lines takes part, so an imported province appears by
-- itself; programmes of one province with the same period form one series.
with chosen as (
    select
        p.programme_id,
        p.province,
        p.period_start,
        p.period_end
    from programmes as p
    where
        p.kind = 'khuyen_cong'
        and p.programme_id in (select programme_id from budget_lines)
        and ($provinces is null or list_contains($provinces, p.province))
),

series as (
    select
        province,
        period_start,
        period_end,
        province || ' ' || period_start || '-' || period_end as series_label,
        string_agg(programme_id, ', ' order by programme_id) as programme_ids
    from chosen
    group by province, period_start, period_end
),

amounts as (
    select
        c.province,
        c.period_start,
        c.period_end,
        l.content_area,
        sum(l.amount_mvnd) as amount_mvnd,
        string_agg(distinct l.source_file, ', ' order by l.source_file) as source_files
    from budget_lines as l
    inner join chosen as c using (programme_id)
    group by c.province, c.period_start, c.period_end, l.content_area
),

grid as (
    select
        s.*,
        a.code as content_area,
        a.name_vi as area_name_vi,
        a.name_en as area_name_en,
        a.csv_line as area_order
    from series as s
    cross join content_areas as a
),

final as (
    select
        g.series_label,
        g.province,
        g.period_start,
        g.period_end,
        g.programme_ids,
        g.content_area,
        g.area_name_vi,
        g.area_name_en,
        g.area_order,
        coalesce(m.amount_mvnd, 0) as amount_mvnd,
        100.0 * coalesce(m.amount_mvnd, 0) / nullif(
            sum(coalesce(m.amount_mvnd, 0)) over (partition by g.series_label), 0
        ) as share_pct,
        m.source_files
    from grid as g
    left join amounts as m
        on
            m.province = g.province
            and m.period_start = g.period_start
            and m.period_end = g.period_end
            and m.content_area = g.content_area
)

select * from final
order by province collate vi, period_start, area_order
