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
    /// This client's bit in the tracked keys (<see cref="TrackingSlots"/>), for the modes that remember reads; -1 for
    /// BCAST. Set on the owner thread when tracking turns on.
    /// </summary>
    internal int Slot = -1;

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
