using System;

namespace Hermes.ServicePolicy.Engine;

/// <summary>A fingerprint of a text permitted to a chat, when, and by which permit.</summary>
internal readonly record struct SentText(ulong Fingerprint, long Ticks, SendId Send);

/// <summary>One chat's last agent permit and the fingerprints within the duplicate window, oldest first; guarded by <see cref="AgentSends"/>'s lock.</summary>
internal sealed class AgentChatSends
{
    public long LastTicks = long.MinValue;
    public SentText[] Texts = new SentText[4];
    public int Count;

    public void Add(SentText text)
    {
        if (Count == Texts.Length)
        {
            Array.Resize(ref Texts, Count * 2);
        }

        Texts[Count++] = text;
    }

    public void DropOlderThan(long ticks)
    {
        if (Count == 0 || Texts[0].Ticks > ticks)
        {
            return; // oldest first: nothing to drop (the common case, without a scan)
        }

        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            if (Texts[i].Ticks > ticks)
            {
                Texts[kept++] = Texts[i];
            }
        }

        Array.Clear(Texts, kept, Count - kept);
        Count = kept;
    }

    public void Remove(SendId send)
    {
        for (var i = 0; i < Count; i++)
        {
            if (Texts[i].Send == send)
            {
                Array.Copy(Texts, i + 1, Texts, i, Count - i - 1);
                Texts[--Count] = default;
                return;
            }
        }
    }
}
