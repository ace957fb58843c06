-- support_establishments: the establishments that have support records, numbered, with their
--                         totals; the other support pre-aggregates refer to them by number.
-- grain: one row per establishment, i.e. per (province, establishment name).
-- params: none (materialised as a table at build, and again by plans.data.synth after it fills support_records).
-- sources: support_records.
-- establishment_id follows the order of (province, establishment), so ordering by the number is
-- ordering by the names; a whole number groups much faster than two texts.
with records as (
    select * from support_records
),

totals as (
    select
        province,
        establishment,
        count(*) as records,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries
    from records
    group by province, establishment
),

final as (
    select
        (row_number() over (order by province, establishment))::integer as establishment_id,
        province,
        establishment,
        records,
        amount_mvnd,
        beneficiaries
    from totals
)

select * from final
order by establishment_id
