namespace FastNode.Server.Tracking;

/// <summary>The CLIENT TRACKING options a client turned on with (Redis's CLIENT_TRACKING_* flags).</summary>
[Flags]
public enum TrackingFlags
{
    None = 0,
    /// <summary>BCAST: told about every key under its prefixes, whether it read it or not.</summary>
    Bcast = 1 << 0,
    /// <summary>OPTIN: only the reads right after CLIENT CACHING yes are remembered.</summary>
    OptIn = 1 << 1,
    /// <summary>OPTOUT: every read is remembered except the ones right after CLIENT CACHING no.</summary>
    OptOut = 1 << 2,
    /// <summary>NOLOOP: not told about keys its own commands changed.</summary>
    NoLoop = 1 << 3,
}
