using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FastNode.Server.Persistence;

/// <summary>
/// Forcing written data to the disk. On Linux fdatasync, as Redis does (the data and the size, not the access times);
/// elsewhere FileStream's full flush. A directory is synced after a rename so the new name survives a crash too.
/// </summary>
public static partial class FileSync
{
    public static void Data(SafeFileHandle file)
    {
        if (OperatingSystem.IsLinux())
        {
            bool added = false;
            try
            {
                file.DangerousAddRef(ref added);
                if (fdatasync((int)file.DangerousGetHandle()) != 0)
                    throw new IOException($"fdatasync failed: {Marshal.GetLastPInvokeErrorMessage()}");
            }
            finally
            {
                if (added) file.DangerousRelease();
            }
            return;
        }
        RandomAccess.FlushToDisk(file);
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with what <paramref name="write"/> puts in a new file, so that a crash at any
    /// moment leaves either the old file or the new one whole: written to <paramref name="temp"/> (in the same
    /// directory), synced, renamed over the path, the directory synced. The temp file is deleted if anything fails.
    /// </summary>
    public static void ReplaceAtomically(string path, string temp, Action<Stream> write)
    {
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            Directory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
            }
            throw;
        }
    }

    /// <summary>Makes a rename or a new file in <paramref name="directory"/> durable (best effort where unsupported).</summary>
    public static void Directory(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        int fd = open(directory, 0 /* O_RDONLY */);
        if (fd < 0) return;
        try
        {
            fsync(fd);
        }
        finally
        {
            close(fd);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fdatasync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
