Console.WriteLine("ChatSocket.LoadTest: not implemented yet (issue 5).");
