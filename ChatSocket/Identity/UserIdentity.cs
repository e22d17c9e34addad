namespace ChatSocket.Identity;

/// <summary>
/// Who a validated token says the client is: its name (the <c>name</c> claim, else <c>sub</c>), the rooms it may
/// join and read, and until when the token holds.
/// </summary>
/// <param name="Name">The user name messages carry as <c>sender</c>; also the key of the per-user connection limit.</param>
/// <param name="Rooms">The <c>rooms</c> claim, or <see cref="RoomGrants.Every"/> without one.</param>
/// <param name="ExpiresAt">The token's <c>exp</c>.</param>
/// <param name="ValidUntil"><paramref name="ExpiresAt"/> plus the clock skew: the connection closes then.</param>
internal sealed record UserIdentity(string Name, RoomGrants Rooms, DateTimeOffset ExpiresAt, DateTimeOffset ValidUntil);
