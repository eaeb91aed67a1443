//! Schema migrations (run by each backend its own way) and the health check.

use super::Backend;
use crate::server::db::{MaintenanceStore, Result};

#[async_trait::async_trait]
impl MaintenanceStore for Backend {
    async fn migrate(&self) -> Result<()> {
        self.run_migrations().await
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
