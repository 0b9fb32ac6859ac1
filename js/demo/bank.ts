// The demo bank's endpoints (the stand-alone server's demo API, and the opaque-ke peer's), as any application
// would wrap its own over the package's signed `call`: nothing here is part of the package.
import type { OpaquePopClient } from "../src/index.js";

export interface Me {
  readonly username: string;
  readonly session_expires_at: number;
}

export interface Transfer {
  readonly transfer_id: string;
  readonly from: string;
  readonly to: string;
  readonly amount: string;
  readonly created_at: number;
}

export class DemoBank {
  constructor(private readonly client: OpaquePopClient) {}

  async me(): Promise<Me> {
    return (await this.client.call("GET", "/api/me")) as unknown as Me;
  }

  async transfer(to: string, amount: string): Promise<Transfer> {
    return (await this.client.call("POST", "/api/transfer", { to, amount })) as unknown as Transfer;
  }

  async transfers(): Promise<Transfer[]> {
    return (await this.client.call("GET", "/api/transfers")).transfers as Transfer[];
  }
}
