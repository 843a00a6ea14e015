using FastNode.Protocol;
using FastNode.Server.Commands;

namespace FastNode.Server.Acl;

/// <summary>The channels a command publishes to or subscribes to (Redis's CMD_CHANNEL_PUBLISH/SUBSCRIBE).</summary>
public static class AclChannels
{
    public static AclDenial Check(AclSelector selector, CommandDef def, CommandArgs args, out int argIndex)
    {
        argIndex = 0;
        int first, last;
        bool pattern = false;
        switch (def.FullName)
        {
            case "publish" or "spublish":
                first = last = 1;
                break;
            case "subscribe" or "ssubscribe":
                first = 1;
                last = args.Count - 1;
                break;
            case "psubscribe":
                first = 1;
                last = args.Count - 1;
                pattern = true;
                break;
            default:
                return AclDenial.None;
        }
        for (int i = first; i <= last && i < args.Count; i++)
        {
            if (selector.ChannelAllowed(args[i], pattern)) continue;
            argIndex = i;
            return AclDenial.Channel;
        }
        return AclDenial.None;
    }
}
