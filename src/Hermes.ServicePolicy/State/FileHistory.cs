using System;
using System.Collections.Generic;
using System.IO;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// Reading a file state directory's history and picking its snapshot, shared by the writer
/// (<see cref="FileServiceStateStore"/>) and by readers in other processes (<see cref="FileStateReader"/>).
/// </summary>
internal static class FileHistory
{
    /// <summary>
    /// Streams the events after <paramref name="after"/> up to <paramref name="head"/>, segment by segment. The active
    /// segment is read up to <paramref name="activeLength"/> (the writer: what is durable; a reader: the file as it is,
    /// a torn tail being an append in progress).
    /// </summary>
    public static IEnumerable<PolicyEvent> Read(string directory, FileStoreManifest manifest, long after, long head, long activeLength)
    {
        if (after < manifest.PrunedThrough)
        {
            throw new HistoryPrunedException(after, manifest.PrunedThrough);
        }

        for (var i = 0; i < manifest.Segments.Count; i++)
        {
            var segment = manifest.Segments[i];
            var active = i == manifest.Segments.Count - 1;
            if (!active && segment.Last <= after)
            {
                continue;
            }

            var path = Path.Combine(directory, segment.File);
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            }
            catch (FileNotFoundException ex)
            {
                throw new StateStoreCorruptedException(path, 0, "a segment of the log the manifest lists is missing", ex);
            }

            using (stream)
            {
                var length = active ? Math.Min(activeLength, stream.Length) : segment.Length;
                var reader = new FileSegmentReader(path, active ? segment with { Length = Math.Min(segment.Length, length) } : segment);
                foreach (var e in reader.Read(stream, length))
                {
                    if (e.Sequence > head)
                    {
                        yield break;
                    }

                    if (e.Sequence > after)
                    {
                        yield return e;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The newest snapshot that verifies and that the log can continue: at or before the head, not before what was
    /// pruned. None (a full replay) when no snapshot verifies and nothing was pruned; refused when history was pruned.
    /// </summary>
    public static StateSnapshot? NewestSnapshot(string directory, FileStoreManifest manifest)
    {
        string? problems = null;
        foreach (var position in FileSnapshots.List(directory))
        {
            if (position > manifest.Head)
            {
                throw new StateStoreCorruptedException(FileSnapshots.PathOf(directory, position), 0,
                    $"the snapshot is at event {position}, but the log acknowledges only {manifest.Head}: the log was cut or replaced by an older copy");
            }

            if (position < manifest.PrunedThrough)
            {
                continue;
            }

            if (FileSnapshots.TryRead(directory, position, out var problem) is { } snapshot)
            {
                return snapshot;
            }

            problems += $" {FileSnapshots.Describe(position)}: {problem}.";
        }

        if (manifest.PrunedThrough > 0)
        {
            throw new StateStoreCorruptedException(Path.Combine(directory, FileSnapshots.DirectoryName), 0,
                $"no snapshot can be trusted and history through event {manifest.PrunedThrough} was pruned, so the state cannot be rebuilt;{problems}");
        }

        return null;
    }
}
