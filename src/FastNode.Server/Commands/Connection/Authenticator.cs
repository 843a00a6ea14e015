using System.Security.Cryptography;
using System.Text;

namespace FastNode.Server.Commands.Connection;

/// <summary>
/// Password checks for AUTH and HELLO AUTH. FastNode has one user, "default", whose password is `requirepass`;
/// with no requirepass the user is "nopass" and any password is accepted for it (Redis's behaviour).
/// </summary>
public static class Authenticator
{
    public static ReadOnlySpan<byte> DefaultUser => "default"u8;

    /// <summary>Usernames are case-sensitive in Redis; the password compare takes the same time whatever matches.</summary>
    public static bool IsValid(ServerState server, ReadOnlySpan<byte> user, ReadOnlySpan<byte> password)
    {
        if (!user.SequenceEqual(DefaultUser)) return false;
        string required = server.Options.RequirePass;
        if (required.Length == 0) return true;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(required), password);
    }

    public static bool IsAuthenticated(ref CommandContext ctx) =>
        ctx.Session.Authenticated || ctx.Server.Options.RequirePass.Length == 0;
}
