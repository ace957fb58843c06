-- programme_support_establishments: the establishments a programme supported most, with their
--                                   rank, records, amount and beneficiaries.
-- grain: one row per establishment (establishment_id) among the $limit largest amounts of the
--        programme's records not cancelled; rank 1.. follows amount desc, then establishment_id.
-- params: $programme_id (a programme), $limit (how many establishments; null = all).
-- sources: support_records.
-- An establishment is its establishment_id (the same tax code, or the same normalised name in
-- the same ward, across rows, years and imports); it is named by the first (in text order) of
-- the names its records write, with the first district and commune written. Amounts are compared rounded
-- to 1 đồng (6 decimals of a million), so equal amounts keep one order. share_pct is the
-- establishment's share of the programme's support.
with records as (
    select * from support_records
    where programme_id = $programme_id and status != 'cancelled'
),

totals as (
    select
        establishment_id,
        min(establishment) as establishment,
        min(district) as district,
        min(commune) as commune,
        count(*) as records,
        sum(amount_mvnd) as amount_mvnd,
        coalesce(sum(beneficiaries), 0)::bigint as beneficiaries,
        min(year) as first_year,
        max(year) as last_year
    from records
    group by establishment_id
),

ranked as (
    select
        *,
        row_number() over (order by round(amount_mvnd, 6) desc, establishment_id) as rank,
        100.0 * amount_mvnd / nullif(sum(amount_mvnd) over (), 0) as share_pct
    from totals
),

final as (
    select
        rank,
        establishment_id,
        establishment,
        district,
        commune,
        records,
        amount_mvnd,
        share_pct,
        beneficiaries,
        first_year,
        last_year
    from ranked
    where $limit is null or rank <= $limit
)

select * from final
order by rank
