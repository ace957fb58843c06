-- total_checks: every stated total of every document compared with the sum of its parts.
-- grain: one row per stated total and basis of comparison ('lines' = the task-year cells,
--        'stated_parts' = the stated totals one level down, when all of them are printed).
-- params: none (materialised as a table at build).
-- sources: stated_totals, budget_lines, programmes, tasks.
-- status: 'ok' when |stated - computed| <= tolerance (half a unit of the printed precision,
--         plus half a unit per stated part), 'differs' otherwise, 'not_checkable' without parts.
--         A qualified figure is read as it says (qualifier): 'about' and 'exact' within the
--         tolerance, 'range' from stated_value to stated_max, 'at_least' (hơn, trên, tối
--         thiểu) at least, 'at_most' (tối đa, không quá) at most, 'nearly' (gần X) at most X
--         and not below what rounds to X (precision after "gần" ignores trailing zeros: "gần
--         1.000" is 500 to 1.000); a qualified part widens the sum
--         (computed_min .. computed_max). measure 'task_count' ("25 nhiệm vụ") is compared
--         with the tasks counted (parts_basis 'tasks').
with st as (
    select * from stated_totals
),

years as (
    select programme_id, period_end - period_start + 1 as n_years from programmes
),

sections_with_lines as (
    select programme_id, count(distinct section_code) as n_sections
    from budget_lines
    group by programme_id
),

tasks_with_lines as (
    select programme_id, section_code, count(distinct task_code) as n_tasks
    from budget_lines
    group by programme_id, section_code
),

vs_lines as (
    select
        st.*,
        'lines' as parts_basis,
        st.precision / 2 as tolerance,
        sum(case when st.measure = 'quantity' then l.quantity else l.amount_mvnd end)
            as computed_value,
        count(l.year) as n_parts,
        case
            when st.scope = 'task' and st.measure = 'quantity' then 'row_quantity_total'
            when st.scope = 'task' then 'row_total'
            when st.scope = 'section' and st.year is not null then 'section_year_total'
            when st.scope = 'section' then 'section_total'
            when st.scope = 'grand' and st.year is not null then 'year_total'
            when st.scope = 'grand' then 'grand_total'
            when st.year is not null then 'text_year_total'
            else 'text_total'
        end as kind
    from st
    left join budget_lines as l
        on
            l.programme_id = st.programme_id
            and (st.scope <> 'task' or l.task_code = st.task_code)
            and (st.scope <> 'section' or l.section_code = st.section_code)
            and (st.year is null or l.year = st.year)
            -- a total of one funding source adds up that source's lines only
            and (st.funding_source is null or l.funding_source = st.funding_source)
    where st.measure <> 'task_count'
    group by all
),

-- A stated number of tasks against the tasks of the programme or the section.
task_counts as (
    select programme_id, section_code, count(*) as n_tasks
    from tasks
    group by programme_id, section_code
),

vs_tasks as (
    select
        st.*,
        'tasks' as parts_basis,
        st.precision / 2 as tolerance,
        coalesce(c.n_tasks, 0) as computed_value,
        coalesce(c.n_tasks, 0) as n_parts,
        case when st.scope = 'section' then 'section_task_count' else 'task_count' end as kind
    from st
    left join (
        select programme_id, null as section_code, cast(sum(n_tasks) as bigint) as n_tasks
        from task_counts
        group by programme_id
        union all
        select programme_id, section_code, n_tasks from task_counts
    ) as c
        on
            c.programme_id = st.programme_id
            and c.section_code is not distinct from (case when st.scope = 'section' then st.section_code end)
    where st.measure = 'task_count'
),

-- Each rule: which stated totals are the parts of which stated total.
part_rules as (
    select
        parent.*,
        'stated_parts' as parts_basis,
        child.precision as child_precision,
        child.stated_value as child_value,
        -- the interval a qualified part stands for ("gần 700": 600-700; "hơn 342": 342 or more)
        case coalesce(child.qualifier, 'exact')
            when 'nearly' then child.stated_value - child.precision / 2
            when 'at_most' then 0
            else child.stated_value
        end as child_min,
        case coalesce(child.qualifier, 'exact')
            when 'at_least' then null
            else coalesce(child.stated_max, child.stated_value)
        end as child_max,
        case
            when parent.scope = 'section' and child.scope = 'task' then 'section_total_vs_row_totals'
            when parent.scope = 'section' then 'section_total_vs_year_totals'
            when parent.scope = 'grand' and parent.year is null and child.scope = 'section'
                then 'grand_total_vs_section_totals'
            when parent.scope = 'grand' and parent.year is null then 'grand_total_vs_year_totals'
            when parent.scope = 'grand' then 'year_total_vs_section_year_totals'
            else 'text_total_vs_text_years'
        end as kind
    from st as parent
    inner join st as child
        on
            child.programme_id = parent.programme_id
            and child.measure = parent.measure
            and child.funding_source is not distinct from parent.funding_source
            and child.measure = 'amount_mvnd'
            and (
                -- section total <- its tasks' row totals
                (
                    parent.scope = 'section' and parent.year is null
                    and child.scope = 'task' and child.section_code = parent.section_code
                )
                -- section total <- the section's yearly figures
                or (
                    parent.scope = 'section' and parent.year is null
                    and child.scope = 'section' and child.section_code = parent.section_code
                    and child.year is not null
                )
                -- grand total <- section totals
                or (
                    parent.scope = 'grand' and parent.year is null
                    and child.scope = 'section' and child.year is null
                )
                -- grand total <- yearly grand totals
                or (
                    parent.scope = 'grand' and parent.year is null
                    and child.scope = 'grand' and child.year is not null
                )
                -- yearly grand total <- the sections' figures for that year
                or (
                    parent.scope = 'grand' and parent.year is not null
                    and child.scope = 'section' and child.year = parent.year
                )
                -- total written in the text <- yearly figures written in the text
                or (
                    parent.scope = 'text' and parent.year is null
                    and child.scope = 'text' and child.year is not null
                )
            )
),

vs_parts as (
    select
        r.programme_id,
        r.scope,
        r.section_code,
        r.task_code,
        r.year,
        r.measure,
        r.printed_text,
        r.stated_value,
        r.precision,
        r.note,
        r.source_file,
        r.source_line,
        r.csv_line,
        r.funding_source,
        r.qualifier,
        r.stated_max,
        r.parts_basis,
        any_value(r.precision) / 2 + sum(r.child_precision / 2) as tolerance,
        sum(r.child_value) as computed_value,
        sum(r.child_min) as computed_min,
        case when count(r.child_max) = count(*) then sum(r.child_max) end as computed_max,
        count(*) as n_parts,
        r.kind,
        any_value(y.n_years) as n_years,
        any_value(s.n_sections) as n_sections,
        any_value(t.n_tasks) as n_tasks
    from part_rules as r
    inner join years as y using (programme_id)
    left join sections_with_lines as s using (programme_id)
    left join tasks_with_lines as t using (programme_id, section_code)
    group by all
),

complete_parts as (
    -- Only compare when every part is printed; a partial sum says nothing.
    select * exclude (n_years, n_sections, n_tasks)
    from vs_parts
    where
        (kind = 'section_total_vs_row_totals' and n_parts = n_tasks)
        or (kind in ('section_total_vs_year_totals', 'grand_total_vs_year_totals', 'text_total_vs_text_years') and n_parts = n_years)
        or (kind in ('grand_total_vs_section_totals', 'year_total_vs_section_year_totals') and n_parts = n_sections)
),

checks as (
    select
        programme_id, scope, section_code, task_code, year, measure, printed_text, stated_value,
        precision, note, source_file, source_line, csv_line, funding_source, parts_basis,
        tolerance,
        case when n_parts = 0 then null else computed_value end as computed_value,
        case when n_parts = 0 then null else computed_value end as computed_min,
        case when n_parts = 0 then null else computed_value end as computed_max,
        n_parts, kind, qualifier, stated_max
    from vs_lines
    union all
    select
        programme_id, scope, section_code, task_code, year, measure, printed_text, stated_value,
        precision, note, source_file, source_line, csv_line, funding_source, parts_basis,
        tolerance, computed_value, computed_min, computed_max, n_parts, kind, qualifier,
        stated_max
    from complete_parts
    union all
    select
        programme_id, scope, section_code, task_code, year, measure, printed_text, stated_value,
        precision, note, source_file, source_line, csv_line, funding_source, parts_basis,
        tolerance, computed_value, computed_value as computed_min,
        computed_value as computed_max, n_parts, kind, qualifier, stated_max
    from vs_tasks
),

-- The interval a stated figure accepts, read with its qualifier (null = unbounded).
bounds as (
    select
        *,
        case coalesce(qualifier, 'exact')
            when 'at_most' then null
            else stated_value - tolerance
        end as accept_min,
        case coalesce(qualifier, 'exact')
            when 'at_least' then null
            -- "gần X" is at most X: only the parts' own rounding may pass it
            when 'nearly' then stated_value + tolerance - precision / 2
            else coalesce(stated_max, stated_value) + tolerance
        end as accept_max
    from checks
),

final as (
    select
        programme_id,
        case
            when measure = 'task_count' and scope = 'section' then 'Mục ' || section_code || ', số nhiệm vụ'
            when measure = 'task_count' then 'Dòng Tổng cộng, số nhiệm vụ'
        else case scope
            when 'task' then 'Mục ' || section_code || ', nhiệm vụ ' || task_code || ', cột Tổng cộng'
            when 'section' then 'Mục ' || section_code || coalesce(', năm ' || year, ', cột Tổng cộng')
            when 'grand' then 'Dòng Tổng cộng' || coalesce(', năm ' || year, ', cột Tổng cộng')
            else 'Phần lời' || coalesce(', kinh phí năm ' || year, ', tổng kinh phí')
        end end || case funding_source
            when 'trung_uong' then ', nguồn khuyến công quốc gia'
            when 'dia_phuong' then ', nguồn khuyến công địa phương'
            when 'doi_ung' then ', nguồn đối ứng của cơ sở'
            when 'khac' then ', nguồn khác'
            else ''
        end as location,
        case
            when measure = 'task_count' and scope = 'section' then 'Section ' || section_code || ', number of tasks'
            when measure = 'task_count' then 'Total row, number of tasks'
        else case scope
            when 'task' then 'Section ' || section_code || ', task ' || task_code || ', total column'
            when 'section' then 'Section ' || section_code || coalesce(', year ' || year, ', total column')
            when 'grand' then 'Total row' || coalesce(', year ' || year, ', total column')
            else 'Text' || coalesce(', budget for ' || year, ', total budget')
        end end || case funding_source
            when 'trung_uong' then ', national khuyến công funds'
            when 'dia_phuong' then ', provincial khuyến công funds'
            when 'doi_ung' then ', establishments'' own contribution'
            when 'khac' then ', other sources'
            else ''
        end as location_en,
        kind,
        scope,
        section_code,
        task_code,
        year,
        measure,
        funding_source,
        parts_basis,
        printed_text,
        coalesce(qualifier, 'exact') as qualifier,
        stated_value,
        stated_max,
        computed_value,
        stated_value - computed_value as difference,
        tolerance,
        n_parts,
        case
            when computed_value is null then 'not_checkable'
            -- the sum's interval meets the stated one (exact parts: the sum itself)
            when
                (accept_min is null or computed_max is null or computed_max >= accept_min - 1e-9)
                and (accept_max is null or computed_min <= accept_max + 1e-9)
                then 'ok'
            else 'differs'
        end as status,
        note,
        source_file,
        source_line,
        csv_line
    from bounds
)

select * from final
order by programme_id, csv_line, parts_basis, kind
