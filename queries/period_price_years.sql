-- period_price_years: the years whose prices the real budget can be expressed in (a CPI figure
--                     exists), for the period comparison's price-year choice.
-- grain: one row per year with a CPI change.
-- params: none.
-- sources: cpi.
with years as (
    select year, cpi_change_pct, source
    from cpi
),

final as (
    select * from years
)

select * from final
order by year
