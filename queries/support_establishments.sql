-- support_establishments: the establishments that have support records, numbered, with the
--                         name they are shown under and their totals; the other support
--                         pre-aggregates refer to them by number.
-- grain: one row per establishment_id with records not cancelled.
-- params: none (materialised as a table at build, and again by plans.data.synth after it fills support_records).
-- sources: support_records.
-- An establishment is its establishment_id: the same one across rows, years and imports (the
-- import decides it: tax code, or the same normalised name in the same ward), so one
-- establishment may be written under several names. It is shown under the name (and province)
-- written on its most recent record: the latest year, then the latest decision date (made_on),
-- then the latest import (import ids grow with each import), then the last row of the file;
-- the name (byte order) breaks a tie that remains. Cancelled records are left out, so a
-- cancelled đề án never names its establishment nor makes one on its own. names_written
-- counts the different names written for it. establishment_no follows the order of (province, name,
-- establishment_id), so ordering by the number is ordering by the names; a whole number groups
-- much faster than a text.
with records as (
    select * from support_records
    where status != 'cancelled'
),

latest as (
    select
        establishment_id,
        establishment,
        province,
        row_number() over (
            partition by establishment_id
            order by
                year desc,
                made_on desc nulls last,
                import_id desc nulls last,
                source_line desc nulls last,
                establishment,
                province
        ) as recency
    from records
),

totals as (
    select
        establishment_id,
        count(*) as records,
        count(distinct establishment) as names_written,
        sum(amount_mvnd) as amount_mvnd,
        sum(beneficiaries)::bigint as beneficiaries
    from records
    group by establishment_id
),

final as (
    select
        (row_number() over (
            order by l.province, l.establishment, t.establishment_id
        ))::integer as establishment_no,
        t.establishment_id,
        l.establishment,
        l.province,
        t.records,
        t.names_written,
        t.amount_mvnd,
        t.beneficiaries
    from totals as t
    inner join latest as l on l.establishment_id = t.establishment_id and l.recency = 1
)

select * from final
order by establishment_no
