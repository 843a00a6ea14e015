namespace FastNode.Server.Commands.Connection;

/// <summary>
/// AUTH's and HELLO AUTH's door to the user directory (Acl/UserDirectory.cs): usernames are case-sensitive, the
/// password is compared as a SHA-256 hash in constant time, and a failure is recorded in ACL LOG, as in Redis.
/// </summary>
public static class Authenticator
{
    public static ReadOnlySpan<byte> DefaultUser => "default"u8;

    /// <summary>Authenticates the connection as <paramref name="user"/>; false (and logged) when refused.</summary>
    public static bool TryAuthenticate(ref CommandContext ctx, ReadOnlySpan<byte> user, ReadOnlySpan<byte> password)
    {
        var acl = ctx.Server.Acl;
        if (acl.Authenticate(user, password) is not { } authenticated)
        {
            acl.LogAuthFailure(ctx.Session, ctx.Command, user);
            return false;
        }
        ctx.Session.User = authenticated;
        ctx.Session.Authenticated = true;
        return true;
    }

    public static bool IsAuthenticated(ref CommandContext ctx) =>
        ctx.Session.Authenticated || !ctx.Server.Acl.AuthRequired;
}
