-- programme_content_lists: the content-area list each programme is read with: the list in force
--                          on the day it was issued (Decree 45/2012, amended by Decree 235/2025),
--                          and, where the items of that list are not in the data, the latest
--                          list we do hold, said so (list_known = false).
-- grain: one row per programme.
-- params: none (materialised as a table at build).
-- sources: programmes (decision_date as printed, dd/mm/yyyy; else 1 January of period_start),
--          content_area_lists.
with issued as (
    select
        programme_id,
        coalesce(
            try_strptime(decision_date, '%d/%m/%Y')::date, make_date(period_start, 1, 1)
        ) as issued_on
    from programmes
),

in_force as (
    -- the latest list valid on the day (the earliest list for a plan issued before any)
    select
        i.programme_id,
        i.issued_on,
        coalesce(
            max_by(l.list_id, l.valid_from) filter (where l.valid_from <= i.issued_on),
            min_by(l.list_id, l.valid_from)
        ) as list_in_force
    from issued as i
    cross join content_area_lists as l
    group by i.programme_id, i.issued_on
),

readable as (
    select
        f.programme_id,
        f.issued_on,
        f.list_in_force,
        coalesce(
            max_by(l.list_id, l.valid_from) filter (
                where l.list_known = 'yes' and l.valid_from <= f.issued_on
            ),
            min_by(l.list_id, l.valid_from) filter (where l.list_known = 'yes')
        ) as list_id
    from in_force as f
    cross join content_area_lists as l
    group by f.programme_id, f.issued_on, f.list_in_force
),

final as (
    select
        r.programme_id,
        r.issued_on,
        r.list_in_force,
        f.decree as decree_in_force,
        f.valid_from as in_force_from,
        f.list_known = 'yes' as list_known,
        r.list_id,
        k.decree as decree_read
    from readable as r
    inner join content_area_lists as f on f.list_id = r.list_in_force
    inner join content_area_lists as k on k.list_id = r.list_id
)

select * from final
