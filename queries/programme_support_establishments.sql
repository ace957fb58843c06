-- programme_support_establishments: the establishments a programme supported most, with their
--                                   rank, records, amount and beneficiaries.
-- grain: one row per establishment (establishment_id) among the $limit largest amounts of the
--        programme's records not cancelled; rank 1.. follows amount desc, then establishment_id.
-- params: $programme_id (a programme), $limit (how many establishments; null = all).
-- sources: support_programme_establishments (the pre-aggregate of support_records per programme
--          and establishment, ranked; tests/test_support_plan.py checks it against the records).
-- An establishment is its establishment_id (the same tax code, or the same normalised name in
-- the same ward, across rows, years and imports); it is named by the first (in text order) of
-- the names its records write, with the first district and commune written. Amounts are compared rounded
-- to 1 đồng (6 decimals of a million), so equal amounts keep one order. share_pct is the
-- establishment's share of the programme's support.
with ranked as (
    select * from support_programme_establishments
    where programme_id = $programme_id and ($limit is null or rank <= $limit)
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
        coalesce(beneficiaries, 0)::bigint as beneficiaries,
        first_year,
        last_year
    from ranked
)

select * from final
order by rank
