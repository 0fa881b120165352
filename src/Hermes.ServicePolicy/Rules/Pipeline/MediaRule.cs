namespace Hermes.ServicePolicy.Rules;

/// <summary>Media goes out only with <c>allow_media: true</c>.</summary>
internal sealed class MediaRule : OutboundRule
{
    public override ReasonCode Check(in OutboundRuleInput check)
        => check.HasMedia && !check.Configuration.AllowMedia ? ReasonCode.MediaNotAllowed : ReasonCode.None;
}
