-- support_programme_establishments: each programme's supported establishments with their
--                                   totals, ranked within the programme; the pre-aggregate of
--                                   programme_support_establishments.
-- grain: one row per (programme_id, establishment_id) with records not cancelled.
-- params: none (materialised as a table at build, and again by plans.data.synth after it fills support_records).
-- sources: support_records.
-- An establishment is its establishment_id; establishment, district and commune are the first
-- (in text order) of those its records in the programme write. beneficiaries null = none
-- written. rank 1.. follows amount desc (compared rounded to 1 đồng, 6 decimals of a million),
-- then establishment_id, among the programme's establishments; share_pct is the
-- establishment's share of the programme's support. Cancelled records are left out. Stored by
-- programme and rank, so the top of one programme is the first rows of its part.
with records as (
    select * from support_records
    where status != 'cancelled'
),

totals as (
    select
        programme_id,
        establishment_id,
        min(establishment) as establishment,
        min(district) as district,
        min(commune) as commune,
        count(*) as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries,
        min(year) as first_year,
        max(year) as last_year
    from records
    group by programme_id, establishment_id
),

final as (
    select
        programme_id,
        row_number() over (
            partition by programme_id order by round(amount_mvnd, 6) desc, establishment_id
        ) as rank,
        establishment_id,
        establishment,
        district,
        commune,
        records,
        amount_mvnd,
        100.0 * amount_mvnd / nullif(sum(amount_mvnd) over (partition by programme_id), 0)
            as share_pct,
        beneficiaries,
        first_year,
        last_year
    from totals
)

select * from final
order by programme_id, rank
