using FastNode.Server.Sessions;

namespace FastNode.Server.Tracking;

/// <summary>
/// One client's CLIENT TRACKING state, present on <see cref="ClientSession.Tracking"/> while tracking is on (null when
/// off, so a command of a client that never tracks pays one null test). Changed only by the client's own loop;
/// invalidating threads read <see cref="Flags"/>, <see cref="RedirectId"/> and set <see cref="BrokenRedirect"/>.
/// </summary>
public sealed class ClientTracking(ClientSession session)
{
    public ClientSession Session { get; } = session;

    /// <summary>BCAST, OPTIN, OPTOUT, NOLOOP as last given to CLIENT TRACKING on.</summary>
    public volatile TrackingFlags Flags;

    /// <summary>The client id invalidations go to (REDIRECT), or 0 for this connection itself.</summary>
    public long RedirectId;

    /// <summary>The redirect client was gone when an invalidation was due (CLIENT TRACKINGINFO broken_redirect, flag R).</summary>
    public volatile bool BrokenRedirect;

    /// <summary>CLIENT CACHING yes (OPTIN) or no (OPTOUT): applies to the next command (all of a MULTI), then clears.</summary>
    public bool Caching;

    /// <summary>
    /// The keys this client was last recorded as tracking, two-way set-associative by their hash: while such an entry is still
    /// live in the table, reading the key again takes no table lock (a GET of a key the client tracks costs a hash and
    /// one compare). Starts small and doubles, up to <see cref="MaxRecentSlots"/>, when live entries keep evicting
    /// each other (the client tracks more keys than it has slots). Owner thread only.
    /// </summary>
    internal TrackedKey?[] Recent = new TrackedKey?[256];

    /// <summary>Misses that displaced a live entry since the cache last grew.</summary>
    internal int RecentConflicts;

    private const int MaxRecentSlots = 1 << 14;

    /// <summary>A miss displaced a live entry: past one conflict per slot, the cache doubles (keeping its live entries).</summary>
    internal void OnConflict()
    {
        if (++RecentConflicts < Recent.Length || Recent.Length >= MaxRecentSlots) return;
        RecentConflicts = 0;
        var bigger = new TrackedKey?[Recent.Length * 2];
        foreach (var entry in Recent)
        {
            if (entry is not { Live: true }) continue;
            int first = (int)(entry.Hash & (ulong)(bigger.Length - 1)) & ~1;
            if (bigger[first] is null) bigger[first] = entry;
            else bigger[first + 1] ??= entry;
        }
        Recent = bigger;
    }

    /// <summary>BCAST prefixes, sorted bytewise as Redis's radix tree lists them ("" when BCAST was given none).</summary>
    public List<byte[]> Prefixes { get; } = [];

    public bool Bcast => (Flags & TrackingFlags.Bcast) != 0;

    public bool NoLoop => (Flags & TrackingFlags.NoLoop) != 0;

    /// <summary>Whether the command running now has its keys remembered (OPTIN/OPTOUT with CLIENT CACHING).</summary>
    public bool RemembersReads
    {
        get
        {
            var flags = Flags;
            if ((flags & TrackingFlags.Bcast) != 0) return false;
            if ((flags & TrackingFlags.OptIn) != 0) return Caching;
            if ((flags & TrackingFlags.OptOut) != 0) return !Caching;
            return true;
        }
    }
}
