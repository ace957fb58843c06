-- support_establishment_bounds: the rows of support_establishment_cells with each
--                               establishment's totals beside them, stored largest total first,
--                               so support_top_establishments only reads the establishments that
--                               can still reach the top.
-- grain: one row per (establishment_no, province, content_area, year), as
--        support_establishment_cells.
-- params: none (materialised as a table at build, and again by plans.data.synth after it fills support_records).
-- sources: support_establishment_cells.
-- bound_mvnd = the establishment's amount over all years, areas and provinces, area_bound_mvnd
-- = over all years and provinces in this row's area, year_bound_mvnd = over all areas and
-- provinces in this row's year: amounts are never negative (support_records checks it), so any
-- filtered amount of the establishment is at most these (year_bound_mvnd: of a filter on one
-- year).
-- bound_rank = the establishment's place by bound_mvnd among the establishments with records
-- in this row's province (1 = largest), compared rounded to 1 đồng like the top-N query so
-- sums taken in another order give the same rank (ties go to the lower establishment_no);
-- year_rank the same by year_bound_mvnd among those with records in this row's province and
-- year, area_rank by area_bound_mvnd among those in its province and area: the leaders of a
-- filter on years or on an area, whose sums give support_top_establishments a high floor.
-- Stored by bound_mvnd descending, so a scan for bound_mvnd >= x stops reading after the rows
-- that qualify (zone maps).
with bounded as (
    select
        *,
        sum(amount_mvnd) over (partition by establishment_no) as bound_mvnd,
        sum(amount_mvnd) over (
            partition by establishment_no, content_area
        ) as area_bound_mvnd,
        sum(amount_mvnd) over (partition by establishment_no, year) as year_bound_mvnd
    from support_establishment_cells
),

final as (
    select
        *,
        dense_rank() over (
            partition by province order by round(bound_mvnd, 6) desc, establishment_no
        ) as bound_rank,
        dense_rank() over (
            partition by province, year
            order by round(year_bound_mvnd, 6) desc, establishment_no
        ) as year_rank,
        dense_rank() over (
            partition by province, content_area
            order by round(area_bound_mvnd, 6) desc, establishment_no
        ) as area_rank
    from bounded
)

select * from final
order by bound_mvnd desc, establishment_no, province, content_area, year
