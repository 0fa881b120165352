namespace Hermes.ServicePolicy.Rules;

/// <summary>
/// A new draft needs a free place: at most <c>max_pending_drafts</c> wait for the owner in all, and
/// <c>max_pending_drafts_per_chat</c> for one chat (first contacts and follow-ups alike). Deciding a draft or its expiry
/// frees a place. Messages about to leave are not drafts and pass.
/// </summary>
internal sealed class PendingDraftsRule : OutboundRule
{
    public override ReasonCode Check(in OutboundRuleInput check)
    {
        if (check.Leaves)
        {
            return ReasonCode.None;
        }

        var all = check.State.CountPendingDrafts(check.Now, check.View.Primary, out var inChat);
        return all >= check.Configuration.MaxPendingDrafts || inChat >= check.Configuration.MaxPendingDraftsPerChat
            ? ReasonCode.TooManyPendingDrafts
            : ReasonCode.None;
    }
}
