-- programme_shares: one programme's budget split by its own sections or by common content area.
-- grain: one row per key (section code or content-area code) of the chosen programme and level.
-- params: $programme_id (text), $level ('section' or 'content_area').
-- sources: budget_shares (computed from budget_lines).
with shares as (
    select * from budget_shares
    where programme_id = $programme_id and level = $level
),

final as (
    select key, label, amount_mvnd, share_pct from shares
)

select * from final
order by key
